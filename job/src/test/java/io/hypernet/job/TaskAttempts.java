package io.hypernet.job;

import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.ExceptionFailure;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;

/**
 * Counts the task attempts of the runs of this JVM's driver (register it with
 * {@code spark.extraListeners}), so tests can prove that a retry or a speculative copy really
 * ran instead of merely passing.
 */
public final class TaskAttempts extends SparkListener {
  private static final AtomicInteger INJECTED_FAILURES = new AtomicInteger();
  private static final AtomicInteger SPECULATIVE_SUCCESSES = new AtomicInteger();

  @Override
  public void onTaskEnd(SparkListenerTaskEnd end) {
    if (end.reason() instanceof ExceptionFailure failure
        && failure.toErrorString().contains("spark.hypernet.test.faults")) {
      INJECTED_FAILURES.incrementAndGet();
    }
    if (end.taskInfo().speculative() && end.taskInfo().successful()) {
      SPECULATIVE_SUCCESSES.incrementAndGet();
    }
  }

  static void reset() {
    INJECTED_FAILURES.set(0);
    SPECULATIVE_SUCCESSES.set(0);
  }

  /** Attempts that failed with the fault of {@code spark.hypernet.test.faults}. */
  static int injectedFailures() {
    return INJECTED_FAILURES.get();
  }

  /** Speculative copies that finished successfully. */
  static int speculativeSuccesses() {
    return SPECULATIVE_SUCCESSES.get();
  }
}
