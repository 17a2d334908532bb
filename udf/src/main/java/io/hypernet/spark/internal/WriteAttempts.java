package io.hypernet.spark.internal;

import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import org.apache.spark.SparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerEvent;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.SparkListenerTaskStart;
import org.apache.spark.sql.execution.SQLExecution;
import org.apache.spark.sql.execution.ui.SparkListenerSQLExecutionEnd;
import scala.collection.JavaConverters;

/**
 * The task attempts of one write, so the driver can wait for the last of them before it tidies
 * and publishes the directory: Spark ends a job once one attempt per partition succeeded, while
 * the losing speculative attempts are still being killed and may still hold a temporary file
 * there. Listener events arrive late but in order: the end of the SQL execution that ran the
 * write (known by the jobs it marked) comes after the start of every attempt it launched.
 */
public final class WriteAttempts extends SparkListener {
  /** The local property that marks the write's jobs. */
  static final String PROPERTY = "hypernet.write";
  private final String token = UUID.randomUUID().toString();
  private final Set<Long> executions = new HashSet<>();
  private final Set<Object> stages = new HashSet<>();
  private final Set<Long> running = new HashSet<>();
  private boolean executionEnded;

  /** Runs {@code write} with its jobs marked as this write's. */
  public <T> T run(SparkContext sc, Supplier<T> write) {
    String previous = sc.getLocalProperty(PROPERTY);
    sc.setLocalProperty(PROPERTY, token);
    try {
      return write.get();
    } finally {
      sc.setLocalProperty(PROPERTY, previous);
    }
  }

  @Override
  public synchronized void onJobStart(SparkListenerJobStart start) {
    String execution = start.properties() == null ? null
        : start.properties().getProperty(SQLExecution.EXECUTION_ID_KEY());
    if (execution != null && token.equals(start.properties().getProperty(PROPERTY))) {
      executions.add(Long.parseLong(execution));
      stages.addAll(JavaConverters.seqAsJavaList(start.stageIds()));
    }
  }

  @Override
  public synchronized void onTaskStart(SparkListenerTaskStart start) {
    if (stages.contains(start.stageId())) {
      running.add(start.taskInfo().taskId());
    }
  }

  @Override
  public synchronized void onTaskEnd(SparkListenerTaskEnd end) {
    running.remove(end.taskInfo().taskId());
    notifyAll();
  }

  @Override
  public synchronized void onOtherEvent(SparkListenerEvent event) {
    if (event instanceof SparkListenerSQLExecutionEnd end
        && executions.contains(end.executionId())) {
      executionEnded = true;
      notifyAll();
    }
  }

  /**
   * Waits until the write's execution has ended and no attempt runs, at most
   * {@code timeoutMillis}; returns how many still run (0: all ended; -1: the end not seen yet).
   */
  public synchronized int awaitEnd(long timeoutMillis) throws InterruptedException {
    long deadline = System.currentTimeMillis() + timeoutMillis;
    for (long left = timeoutMillis; left > 0 && !(executionEnded && running.isEmpty());
        left = deadline - System.currentTimeMillis()) {
      wait(left);
    }
    return executionEnded ? running.size() : -1;
  }

  /**
   * After a failed write: waits until the attempts seen starting have ended (the failure
   * cancels them), at most {@code timeoutMillis}.
   */
  public synchronized void awaitStartedAttempts(long timeoutMillis) throws InterruptedException {
    long deadline = System.currentTimeMillis() + timeoutMillis;
    for (long left = timeoutMillis; left > 0 && !running.isEmpty();
        left = deadline - System.currentTimeMillis()) {
      wait(left);
    }
  }
}
