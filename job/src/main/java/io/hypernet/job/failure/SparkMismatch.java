package io.hypernet.job.failure;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A run that failed because the cluster runs another Spark than the driver, e.g. a 3.5.7
 * standalone cluster under bin/hypernet's built-in 3.5.9: Java serialisation of a task finds a
 * Spark class whose serialVersionUID differs between the two ({@code InvalidClassException:
 * org.apache.spark.internal.io.HadoopMapReduceCommitProtocol; local class incompatible}). Only
 * the cluster's own Spark on the driver fixes it, so it is an invalid invocation (exit 2), told
 * in words instead of the executors' stack trace.
 */
public final class SparkMismatch {
  /**
   * The class named by an InvalidClassException's message. Executors' failures reach the driver
   * only as text inside a SparkException's message ("Lost task 0.3 in stage 1.0 (TID 7) (host
   * executor 1): java.io.InvalidClassException: ..."), so messages are matched, not types.
   */
  private static final Pattern INCOMPATIBLE =
      Pattern.compile("([\\w.$]+); local class incompatible");

  private SparkMismatch() {}

  /** The failure to report instead of {@code failure}, if a Spark mismatch caused it. */
  public static Optional<JobFailure> in(Throwable failure) {
    // A failure that already has its defined code (2, 3, or this one) keeps it.
    if (failure instanceof JobFailure && ((JobFailure) failure).exitCode() != 1) {
      return Optional.empty();
    }
    for (Throwable t = failure; t != null; t = t.getCause()) {
      Matcher incompatible = INCOMPATIBLE.matcher(String.valueOf(t.getMessage()));
      // Our own classes differ only when the cluster keeps another hypernet jar: not this case.
      if (incompatible.find() && !incompatible.group(1).startsWith("io.hypernet.")) {
        String driver = org.apache.spark.package$.MODULE$.SPARK_VERSION() + " (Scala "
            + scala.util.Properties.versionNumberString() + ")";
        return Optional.of(new JobFailure(JobFailure.INVALID_INPUT, "the cluster runs another "
            + "Spark than this driver's Spark " + driver + ": the two disagree on "
            + incompatible.group(1) + " (local class incompatible); set SPARK_HOME to the "
            + "cluster's Spark for bin/hypernet to run on it, or submit with the cluster's own "
            + "spark-submit (docs/clusters.md, \"Against a cluster's own Spark\")", failure));
      }
    }
    return Optional.empty();
  }
}
