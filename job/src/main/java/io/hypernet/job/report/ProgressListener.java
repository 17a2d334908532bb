package io.hypernet.job.report;

import java.util.Collection;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.scheduler.AccumulableInfo;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerExecutorMetricsUpdate;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Tuple4;
import scala.collection.JavaConverters;
import scala.collection.Seq;

/**
 * Logs rows done so far, with rate and share of the input, at most every interval: rows of
 * finished tasks plus, from executor heartbeats, the rows running tasks have computed, so a long
 * partition shows progress before it ends.
 */
public final class ProgressListener extends SparkListener {
  private static final Logger LOG = LoggerFactory.getLogger(ProgressListener.class);

  private final long totalRows;
  private final Set<String> rowsAccumulators;
  private final long intervalNanos;
  private final long start = System.nanoTime();
  private final AtomicLong finished = new AtomicLong();
  private final Map<Long, Long> running = new ConcurrentHashMap<>();
  private final AtomicLong lastLog = new AtomicLong(System.nanoTime());

  /**
   * @param rowsAccumulators the names of the accumulators tasks add the rows they handled to
   */
  public ProgressListener(long totalRows, Collection<String> rowsAccumulators,
      long intervalMillis) {
    this.totalRows = totalRows;
    this.rowsAccumulators = Set.copyOf(rowsAccumulators);
    this.intervalNanos = intervalMillis * 1_000_000;
  }

  /** Rows written by finished tasks plus rows computed by running ones, as last heard. */
  public long rowsDone() {
    return finished.get() + running.values().stream().mapToLong(Long::longValue).sum();
  }

  @Override
  public void onExecutorMetricsUpdate(SparkListenerExecutorMetricsUpdate update) {
    // Scala 2.13 (Spark 4) has an immutable.Seq here, 2.12 a collection.Seq.
    for (Tuple4<Object, Object, Object, ? extends Seq<AccumulableInfo>> task
        : JavaConverters.seqAsJavaList(update.accumUpdates())) {
      long rows = rowsOf(task._4());
      if (rows >= 0) {
        running.put((Long) task._1(), rows);
      }
    }
    maybeLog();
  }

  @Override
  public void onTaskEnd(SparkListenerTaskEnd end) {
    running.remove(end.taskInfo().taskId());
    // The bulk writer bypasses Spark's output metrics; the rows accumulator covers both writers.
    long rows = rowsOf(end.taskInfo().accumulables());
    if (rows < 0 && end.taskMetrics() != null) {
      rows = end.taskMetrics().outputMetrics().recordsWritten();
    }
    finished.addAndGet(Math.max(rows, 0));
    maybeLog();
  }

  /** The task's sum of the rows accumulators, or -1 when it has none of them. */
  private long rowsOf(Seq<AccumulableInfo> accumulables) {
    long rows = -1;
    for (AccumulableInfo info : JavaConverters.seqAsJavaList(accumulables)) {
      if (info.name().isDefined() && rowsAccumulators.contains(info.name().get())
          && info.update().isDefined()) {
        rows = Math.max(rows, 0) + ((Number) info.update().get()).longValue();
      }
    }
    return rows;
  }

  private void maybeLog() {
    long now = System.nanoTime();
    long last = lastLog.get();
    if (now - last >= intervalNanos && lastLog.compareAndSet(last, now)) {
      long done = rowsDone();
      double seconds = (now - start) / 1e9;
      LOG.info(String.format(Locale.ROOT, "progress: %,d of %,d rows done (%.1f%%), %.0f rows/s",
          done, totalRows, totalRows == 0 ? 100.0 : 100.0 * done / totalRows, done / seconds));
    }
  }
}
