package io.hypernet.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hypernet.engine.EngineKind;
import io.hypernet.parquet.OutputCodecs;
import io.hypernet.ml.HypernetTransformer;
import io.hypernet.testing.LocalSpark;
import io.hypernet.testing.TorchFixtureTables;
import io.hypernet.testing.TorchParity;
import java.nio.file.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The library API and the ML Transformer on hypernets real PyTorch built, read from Parquet
 * configurations whose weights name the state dicts (every dtype): W within the tolerance of
 * PyTorch's.
 */
class LibraryTorchParityTest {
  @TempDir
  static Path dir;
  private static SparkSession spark;
  private static final TorchParity WRITE_PARQUET = new TorchParity("library writeParquet (auto)");
  private static final TorchParity RECONCILED = new TorchParity("library reconciled() (djl)");
  private static final TorchParity TRANSFORMER = new TorchParity("ML Transformer (jvm)");

  @BeforeAll
  static void start() {
    spark = LocalSpark.start("local[2]");
    TorchFixtureTables.write(spark, dir);
  }

  @AfterAll
  static void stop() {
    WRITE_PARQUET.log();
    RECONCILED.log();
    TRANSFORMER.log();
    spark.stop();
  }

  private static Dataset<Row> input() {
    return spark.read().parquet(dir + "/w");
  }

  private static HypernetConfigs configs() {
    return HypernetConfigs.read(spark, dir + "/configs");
  }

  @Test
  void reconcileWritesPyTorchsW() throws Exception {
    try (Reconciliation result = Hypernets.reconcile(input(), configs(),
        ReconcileOptions.defaults())) {
      assertEquals(0, result.invalidConfigs().size(), result.invalidConfigs().toString());
      result.writeParquet(dir + "/out", OutputCodecs.DEFAULT, 0,
          spark.sparkContext().hadoopConfiguration());
    }
    TorchFixtureTables.check(WRITE_PARQUET, spark.read().parquet(dir + "/out").collectAsList(),
        "id", "W");
  }

  @Test
  void reconciledRowsArePyTorchsW() {
    try (Reconciliation result = Hypernets.reconcile(input(), configs(),
        ReconcileOptions.defaults().withEngine(EngineKind.DJL).withBatchSize(5))) {
      TorchFixtureTables.check(RECONCILED, result.reconciled().collectAsList(), "id", "W");
      assertEquals(0, result.rejected().count());
    }
  }

  @Test
  void theTransformerAddsPyTorchsW() {
    Dataset<Row> out = new HypernetTransformer().setConfigs(configs()).setEngine("jvm")
        .transform(input());
    assertTrue(out.filter("reason is not null").isEmpty(), "no row rejected");
    TorchFixtureTables.check(TRANSFORMER, out.collectAsList(), "id", "W_matrix");
  }
}
