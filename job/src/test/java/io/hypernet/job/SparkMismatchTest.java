package io.hypernet.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hypernet.job.failure.JobFailure;
import io.hypernet.job.failure.SparkMismatch;
import java.io.InvalidClassException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Optional;
import org.apache.spark.SparkException;
import org.junit.jupiter.api.Test;

/**
 * A cluster on another Spark patch than the driver (3.5.7 under the built-in 3.5.9) is told in
 * words, with exit 2 and the way out, whether the InvalidClassException is in the cause chain
 * (the driver's own deserialisation) or only text inside a SparkException (an executor's).
 */
class SparkMismatchTest {
  private static final String PROTOCOL =
      "org.apache.spark.internal.io.HadoopMapReduceCommitProtocol";
  private static final String INCOMPATIBLE = "local class incompatible: stream classdesc "
      + "serialVersionUID = 1, local class serialVersionUID = 2";
  private static final String LINE = "hypernet: the cluster runs another Spark than this "
      + "driver's Spark " + org.apache.spark.package$.MODULE$.SPARK_VERSION() + " (Scala "
      + scala.util.Properties.versionNumberString() + "): the two disagree on " + PROTOCOL
      + " (local class incompatible); set SPARK_HOME to the cluster's Spark for bin/hypernet to "
      + "run on it, or submit with the cluster's own spark-submit (docs/clusters.md, \"Against "
      + "a cluster's own Spark\")";

  @Test
  void anInvalidClassExceptionInTheCauseChain() {
    Exception failure = new SparkException("Job aborted.", new RuntimeException("task failed",
        new InvalidClassException(PROTOCOL, INCOMPATIBLE)));
    assertReportedPlainly(failure);
  }

  @Test
  void anExecutorsInvalidClassExceptionAsTextInsideTheSparkException() {
    // What the driver holds when an executor could not deserialise a task.
    SparkException spark = new SparkException("Job aborted due to stage failure: Task 0 in "
        + "stage 1.0 failed 4 times, most recent failure: Lost task 0.3 in stage 1.0 (TID 7) "
        + "(10.0.0.7 executor 1): java.io.InvalidClassException: " + PROTOCOL + "; "
        + INCOMPATIBLE + "\n\tat java.base/java.io.ObjectStreamClass.initNonProxy("
        + "ObjectStreamClass.java:597)\n\nDriver stacktrace:");
    assertReportedPlainly(spark);
    // ... and as ReconcileJob wraps it: exit 1 with the first line, the exception as cause.
    assertReportedPlainly(new JobFailure(1, "failed: " + spark.getMessage().lines().findFirst()
        .orElseThrow(), spark));
  }

  @Test
  void otherFailuresAreLeftAsTheyAre() {
    assertEquals(Optional.empty(), SparkMismatch.in(new SparkException("Job aborted due to "
        + "stage failure: java.io.IOException: No space left on device")));
    // An old hypernet jar left on the cluster is not a Spark mismatch.
    assertEquals(Optional.empty(), SparkMismatch.in(new InvalidClassException(
        "io.hypernet.spark.internal.ExecutorSettings", INCOMPATIBLE)));
    // A failure that has its defined code keeps it, the mismatch's own included.
    assertEquals(Optional.empty(), SparkMismatch.in(new JobFailure(3, "policy",
        new InvalidClassException(PROTOCOL, INCOMPATIBLE))));
    JobFailure mismatch = SparkMismatch.in(new InvalidClassException(PROTOCOL, INCOMPATIBLE))
        .orElseThrow();
    assertEquals(Optional.empty(), SparkMismatch.in(mismatch));
  }

  /** Through the CLI's handler (run records the same line in its last-run report). */
  private static void assertReportedPlainly(Exception failure) {
    JobFailure mapped = SparkMismatch.in(failure).orElseThrow(
        () -> new AssertionError("not recognised: " + failure));
    assertSame(failure, mapped.getCause(), "the trace stays for the debug log");
    StringWriter err = new StringWriter();
    assertEquals(2, HypernetCli.reportFailure(failure, new PrintWriter(err)));
    assertEquals(LINE, err.toString().strip());
    assertFalse(err.toString().contains("serialVersionUID"), err.toString());
    assertTrue(mapped.getMessage().startsWith("the cluster runs another Spark"));
  }
}
