package io.hypernet.spark;

import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;

/**
 * Test-only fault injection, inert unless the Spark setting {@value #SETTING} is set (in local
 * mode a {@code -D} system property of that name does it, as SparkConf reads them): it makes the
 * first attempt of a task really fail or really lag after its first batch, so that tests can
 * prove retries and speculation end to end. Values:
 *
 * <ul>
 *   <li>{@code fail-first-attempt}: every task's first attempt throws before its second batch;
 *   <li>{@code slow-partition=P:MILLIS}: the first attempt of partition P sleeps MILLIS before its
 *       second batch (interruptibly, so a killed attempt ends at once).
 * </ul>
 */
final class TestFaults {
  static final String SETTING = "spark.hypernet.test.faults";
  private static final String FAIL = "fail-first-attempt";
  private static final String SLOW = "slow-partition=";

  /** Sleep before the second batch, or a negative number to throw there. */
  private final long sleepMillis;
  private int batches;

  private TestFaults(long sleepMillis) {
    this.sleepMillis = sleepMillis;
  }

  /** The fault for the running task, or null: no setting, a later attempt, another partition. */
  static TestFaults forCurrentTask() {
    SparkEnv env = SparkEnv.get();
    TaskContext task = TaskContext.get();
    String spec = env == null ? null : env.conf().get(SETTING, null);
    if (spec == null || task == null || task.attemptNumber() > 0) {
      return null;
    }
    if (spec.equals(FAIL)) {
      return new TestFaults(-1);
    }
    if (spec.startsWith(SLOW)) {
      String[] partitionAndMillis = spec.substring(SLOW.length()).split(":");
      return Integer.parseInt(partitionAndMillis[0]) == task.partitionId()
          ? new TestFaults(Long.parseLong(partitionAndMillis[1])) : null;
    }
    throw new IllegalArgumentException("unknown " + SETTING + ": " + spec);
  }

  /** Called before each engine call of the task. */
  void beforeBatch() {
    if (++batches != 2) {
      return;
    }
    if (sleepMillis < 0) {
      throw new IllegalStateException(SETTING + ": failing the first attempt of partition "
          + TaskContext.getPartitionId());
    }
    try {
      Thread.sleep(sleepMillis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(SETTING + ": interrupted while slow", e);
    }
  }
}
