package io.hypernet.job.report;

import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Logs rows written so far, with rate and share of the input, at most every interval. */
public final class ProgressListener extends SparkListener {
  private static final Logger LOG = LoggerFactory.getLogger(ProgressListener.class);

  private final long totalRows;
  private final long intervalNanos;
  private final long start = System.nanoTime();
  private final AtomicLong written = new AtomicLong();
  private final AtomicLong lastLog = new AtomicLong(System.nanoTime());

  public ProgressListener(long totalRows, long intervalMillis) {
    this.totalRows = totalRows;
    this.intervalNanos = intervalMillis * 1_000_000;
  }

  @Override
  public void onTaskEnd(SparkListenerTaskEnd end) {
    if (end.taskMetrics() == null) {
      return;
    }
    long done = written.addAndGet(end.taskMetrics().outputMetrics().recordsWritten());
    long now = System.nanoTime();
    long last = lastLog.get();
    if (now - last >= intervalNanos && lastLog.compareAndSet(last, now)) {
      double seconds = (now - start) / 1e9;
      LOG.info(String.format(Locale.ROOT, "progress: %,d of %,d rows written (%.1f%%), %.0f rows/s",
          done, totalRows, totalRows == 0 ? 100.0 : 100.0 * done / totalRows, done / seconds));
    }
  }
}
