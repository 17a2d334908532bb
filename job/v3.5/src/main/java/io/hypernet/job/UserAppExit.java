package io.hypernet.job;

import org.apache.spark.SparkUserAppException;

/** The exception YARN's ApplicationMaster turns into a failed status with an exit code. */
final class UserAppExit {
  private UserAppExit() {}

  static SparkUserAppException exception(int code) {
    return new SparkUserAppException(code);
  }
}
