package io.hypernet.job.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hypernet.engine.EngineKind;
import io.hypernet.job.sample.SampleData;
import io.hypernet.spark.HypernetConfigs;
import io.hypernet.spark.Hypernets;
import io.hypernet.spark.ReconcileMetrics;
import io.hypernet.spark.ReconcileOptions;
import io.hypernet.spark.Reconciliation;
import io.hypernet.testing.LocalSpark;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Progress comes from executor heartbeats while a partition is still being written. */
class ProgressListenerTest {
  private static final int ROWS = 6000;
  private static final int BAD_ROWS = 40;

  @TempDir
  Path dir;

  @Test
  void runningTasksReportRowsBeforeTheyFinish() throws Exception {
    SparkSession spark = LocalSpark.start("local[1]",
        Map.of("spark.executor.heartbeatInterval", "100ms"));
    try {
      SampleData.write(spark, new SampleData.Spec(ROWS, 1, 64, 32, 128, 128, 5, BAD_ROWS, 1),
          dir.toString());
      HypernetConfigs configs = HypernetConfigs.read(spark, dir + "/configs");
      ProgressListener progress =
          new ProgressListener(ROWS, ReconcileMetrics.ROWS_ACCUMULATORS, 1000);
      AtomicLong seenWhileRunning = new AtomicLong();
      spark.sparkContext().addSparkListener(progress);
      try (Reconciliation result = Hypernets.reconcile(spark.read().parquet(dir + "/w"), configs,
          ReconcileOptions.defaults().withEngine(EngineKind.JVM))) {
        // One partition, one task: any count short of the total came from a heartbeat.
        // Polls every millisecond (heartbeats come every 100 ms): a spinning watcher took a
        // core from the task it watches.
        Thread watcher = new Thread(() -> {
          try {
            while (true) {
              long done = progress.rowsDone();
              if (done > 0 && done < ROWS) {
                seenWhileRunning.compareAndSet(0, done);
              }
              Thread.sleep(1);
            }
          } catch (InterruptedException e) {
            // the write is over
          }
        });
        watcher.start();
        result.reconciled().coalesce(1).write().parquet(dir + "/out");
        watcher.interrupt();
        watcher.join();
      } finally {
        spark.sparkContext().removeSparkListener(progress);
      }
      spark.sparkContext().listenerBus().waitUntilEmpty();
      assertTrue(seenWhileRunning.get() > 0, "a running task's rows were reported");
      assertEquals(ROWS, progress.rowsDone(),
          "finished tasks count their rows, the rejected ones included");
    } finally {
      spark.stop();
    }
  }
}
