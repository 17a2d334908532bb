package io.hypernet.spark.internal;

import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.TaskContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one seam for test-only fault injection and timing, so that tests can prove retries,
 * speculation, kills and repairs end to end on real Spark. Every hook is inert unless its
 * setting is present, and none is read on a per-row path:
 *
 * <ul>
 *   <li>{@value ExecutorSettings#TEST_FAULTS} (a Spark setting, so it reaches executors; read
 *       once per executor with the other {@link ExecutorSettings}):
 *       {@code fail-first-attempt} makes every task's first attempt throw before its second
 *       batch; {@code slow-partition=P:MILLIS} makes the first attempt of partition P sleep
 *       MILLIS before its second batch (interruptibly, so a killed attempt ends at once);
 *   <li>{@value #HALT_AT}{@code =STEP} (a driver system property): the driver halts (exit 137, no
 *       finally blocks or shutdown hooks, as after SIGKILL) right after that publish step (a
 *       table run's are {@code table-files}, before its commit, {@code table-log-written},
 *       a Delta version written but not yet renamed into place, and {@code table-commit});
 *       {@value #PAUSE_AT}{@code =STEP} waits there until the file {@value #RESUME_FILE} names
 *       exists;
 *   <li>{@value #LEASE_REFRESH_MS} and {@value #LEASE_EXPIRY_MS} (driver system properties):
 *       how often a run's lease is refreshed and when it is abandoned, so tests age leases fast.
 * </ul>
 */
public final class TestHooks {
  public static final String HALT_AT = "hypernet.test.halt-at";
  public static final String PAUSE_AT = "hypernet.test.pause-at";
  public static final String RESUME_FILE = "hypernet.test.resume-file";
  public static final String LEASE_REFRESH_MS = "hypernet.test.lease.refresh-ms";
  public static final String LEASE_EXPIRY_MS = "hypernet.test.lease.expiry-ms";

  private static final Logger LOG = LoggerFactory.getLogger(TestHooks.class);
  private static final String FAIL = "fail-first-attempt";
  private static final String SLOW = "slow-partition=";

  private TestHooks() {}

  /**
   * The fault for the running task, or null (the usual case): no setting, no task, a later
   * attempt, or another partition.
   */
  public static TaskFault taskFault(ExecutorSettings settings) {
    String spec = settings.testFaults();
    TaskContext task = spec == null ? null : TaskContext.get();
    if (task == null || task.attemptNumber() > 0) {
      return null;
    }
    if (spec.equals(FAIL)) {
      return new TaskFault(-1);
    }
    if (spec.startsWith(SLOW)) {
      String[] partitionAndMillis = spec.substring(SLOW.length()).split(":");
      return Integer.parseInt(partitionAndMillis[0]) == task.partitionId()
          ? new TaskFault(Long.parseLong(partitionAndMillis[1])) : null;
    }
    throw new IllegalArgumentException("unknown " + ExecutorSettings.TEST_FAULTS + ": " + spec);
  }

  /** Called by the driver after each publish step: halts or pauses there when a test asks. */
  public static void afterPublishStep(String step) {
    if (step.equals(System.getProperty(HALT_AT))) {
      LOG.warn("test fault injection: halting after publish step {}", step);
      Runtime.getRuntime().halt(137);
    }
    if (step.equals(System.getProperty(PAUSE_AT))) {
      Path resume = Path.of(System.getProperty(RESUME_FILE));
      LOG.warn("test fault injection: paused after publish step {} until {} exists", step,
          resume);
      while (!Files.exists(resume)) {
        try {
          Thread.sleep(100);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  /** Milliseconds between a lease's refreshes: {@code defaultMillis} unless a test sets it. */
  public static long leaseRefreshMillis(long defaultMillis) {
    return Long.getLong(LEASE_REFRESH_MS, defaultMillis);
  }

  /** A lease's age at which its run counts as gone: {@code defaultMillis} unless a test sets it. */
  public static long leaseExpiryMillis(long defaultMillis) {
    return Long.getLong(LEASE_EXPIRY_MS, defaultMillis);
  }

  /** A task attempt's injected fault; counts the task's engine calls. */
  public static final class TaskFault {
    /** Sleep before the second batch, or a negative number to throw there. */
    private final long sleepMillis;
    private int batches;

    private TaskFault(long sleepMillis) {
      this.sleepMillis = sleepMillis;
    }

    /** Called before each engine call of the task. */
    public void beforeBatch() {
      if (++batches != 2) {
        return;
      }
      if (sleepMillis < 0) {
        throw new IllegalStateException(ExecutorSettings.TEST_FAULTS + ": failing the first "
            + "attempt of partition " + TaskContext.getPartitionId());
      }
      try {
        Thread.sleep(sleepMillis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(ExecutorSettings.TEST_FAULTS + ": interrupted while slow",
            e);
      }
    }
  }
}
