package io.hypernet.job.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hypernet.config.ConfigRow;
import io.hypernet.config.ConfigValidator;
import io.hypernet.config.SizeLimits;
import io.hypernet.engine.EngineKind;
import io.hypernet.job.io.ParquetInputs;
import io.hypernet.job.sample.SampleData;
import io.hypernet.spark.HypernetCatalog;
import io.hypernet.spark.HypernetReconciler;
import io.hypernet.spark.ReconcileMetrics;
import io.hypernet.spark.ReconcileOptions;
import io.hypernet.testing.LocalSpark;
import java.nio.file.Path;
import java.util.List;
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
      List<ConfigRow> rows = ParquetInputs.readConfigs(spark, dir + "/configs");
      ProgressListener progress =
          new ProgressListener(ROWS, ReconcileMetrics.ROWS_ACCUMULATORS, 1000);
      AtomicLong seenWhileRunning = new AtomicLong();
      spark.sparkContext().addSparkListener(progress);
      try (HypernetCatalog catalog = HypernetCatalog.build(spark,
          new ConfigValidator(new SizeLimits(1L << 30)).validate(rows))) {
        // One partition, one task: any count short of the total came from a heartbeat.
        Thread watcher = new Thread(() -> {
          while (!Thread.currentThread().isInterrupted()) {
            long done = progress.rowsDone();
            if (done > 0 && done < ROWS) {
              seenWhileRunning.compareAndSet(0, done);
            }
            Thread.onSpinWait();
          }
        });
        watcher.start();
        HypernetReconciler.reconcile(spark, spark.read().parquet(dir + "/w"), catalog,
                ReconcileOptions.defaults().withEngine(EngineKind.JVM)).reconciled()
            .coalesce(1).write().parquet(dir + "/out");
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
