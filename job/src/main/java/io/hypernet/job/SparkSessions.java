package io.hypernet.job;

import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/** The job's SparkSession: spark-submit's master when there is one, else --master or local[*]. */
final class SparkSessions {
  private SparkSessions() {}

  static SparkSession start(String appName, String master) {
    SparkConf conf = new SparkConf(); // picks up spark.* system properties (spark-submit, bin/)
    SparkSession.Builder builder = SparkSession.builder().appName(appName);
    if (master != null) {
      builder.master(master);
    } else if (!conf.contains("spark.master")) {
      builder.master("local[*]");
    }
    return builder.getOrCreate();
  }
}
