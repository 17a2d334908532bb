package io.hypernet.spark;

import io.hypernet.spark.internal.ExecutorReconcilers;
import io.hypernet.spark.internal.ExecutorSettings;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hypernet.config.ConfigRow;
import io.hypernet.config.ConfigValidator;
import io.hypernet.config.HypernetConfig;
import io.hypernet.config.SizeLimits;
import io.hypernet.engine.BatchReconciler;
import io.hypernet.engine.EngineKind;
import io.hypernet.engine.Engines;
import io.hypernet.engine.ReconciliationEngine;
import io.hypernet.testing.Float64Reference;
import io.hypernet.testing.LocalSpark;
import io.hypernet.weights.HypernetWeights;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Thousands of configurations through real Spark with an executor cache far too small for them:
 * hypernets are generated on executors from broadcast recipes, evicted and generated again, and W
 * stays bit-identical to the weights built on the driver; configurations no row uses are never
 * loaded.
 */
class ManyConfigurationsTest {
  private static final int USED = 1_000;
  private static final int UNUSED = 500;
  private static final int ROWS_PER_CONFIG = 3;
  private static final int L = 4;
  /** Room for about 40 of these hypernets (~380 bytes each in the JVM engine). */
  private static final long CACHE_BYTES = 16 << 10;

  private static SparkSession spark;
  private static HypernetCatalog catalog;
  private static Dataset<Row> input;

  @BeforeAll
  static void start() {
    spark = LocalSpark.start("local[2]",
        Map.of(ExecutorSettings.CACHE_MAX_BYTES, String.valueOf(CACHE_BYTES)));
    List<ConfigRow> configs = new ArrayList<>();
    for (int c = 0; c < USED + UNUSED; c++) {
      String id = (c < USED ? "used-" : "unused-") + c;
      configs.add(new ConfigRow(id, L, 2, 3, 8, (long) c, null, c % 2 == 0 ? "none" : "sigmoid",
          null, "test"));
    }
    catalog = HypernetCatalog.build(spark,
        new ConfigValidator(new SizeLimits(1L << 30)).validate(configs));
    StructType schema = new StructType()
        .add("id", DataTypes.LongType, false)
        .add("config_id", DataTypes.StringType, false)
        .add("w", DataTypes.createArrayType(DataTypes.FloatType, false), false);
    List<Row> rows = new ArrayList<>();
    for (long i = 0; i < (long) USED * ROWS_PER_CONFIG; i++) {
      // Interleaved: without grouping every partition meets every configuration many times.
      rows.add(RowFactory.create(i, "used-" + (i % USED), w(i)));
    }
    input = spark.createDataFrame(rows, schema).repartition(4).cache();
    input.count();
  }

  @AfterAll
  static void stop() {
    catalog.close();
    spark.stop();
  }

  private static Float[] w(long id) {
    Float[] w = new Float[L];
    for (int j = 0; j < L; j++) {
      w[j] = (float) Math.sin(id * 0.37 + j);
    }
    return w;
  }

  private static Map<Long, float[]> reconcile(ConfigGrouping grouping) {
    Reconciliation result = HypernetReconciler.reconcile(spark, input, catalog,
        ReconcileOptions.defaults().withEngine(EngineKind.JVM).withGrouping(grouping));
    Map<Long, float[]> byId = new HashMap<>();
    for (Row out : result.reconciled().collectAsList()) {
      List<Float> values = out.getList(4);
      float[] wOut = new float[values.size()];
      for (int j = 0; j < wOut.length; j++) {
        wOut[j] = values.get(j);
      }
      byId.put(out.getLong(0), wOut);
    }
    assertEquals(0, result.metrics().rowsRejected());
    return byId;
  }

  @Test
  void eachConfigurationIsLoadedByOneTaskAndUnusedOnesNever() {
    ExecutorReconcilers.Stats before = ExecutorReconcilers.get().stats();
    Map<Long, float[]> out = reconcile(ConfigGrouping.REPARTITION);
    ExecutorReconcilers.Stats after = ExecutorReconcilers.get().stats();
    assertEquals((long) USED * ROWS_PER_CONFIG, out.size());
    // The cache holds ~40 of them, so a second load of any would be a miss too.
    assertEquals(USED, after.misses() - before.misses(), before + " -> " + after);
    assertTrue(after.evictions() > before.evictions(), "the bound forced evictions: " + after);
    assertEquals(CACHE_BYTES, after.maxBytes());
    assertTrue(after.residentBytes() <= CACHE_BYTES, after.toString());
  }

  @Test
  void wIsBitIdenticalToDriverBuiltWeightsWhateverTheGroupingAndEvictions() {
    Map<Long, float[]> sorted = reconcile(ConfigGrouping.SORT);
    Map<Long, float[]> interleaved = reconcile(ConfigGrouping.NONE);
    ReconciliationEngine engine = Engines.open(EngineKind.JVM, -1);
    Map<String, BatchReconciler> onDriver = new HashMap<>();
    for (long id = 0; id < (long) USED * ROWS_PER_CONFIG; id++) {
      HypernetConfig config = catalog.validConfigs().get("used-" + (id % USED));
      // What the driver built and broadcast before hypernets were made on executors.
      BatchReconciler reconciler = onDriver.computeIfAbsent(config.configId(),
          k -> engine.load(HypernetWeights.seeded(config)));
      float[] wIn = new float[L];
      for (int j = 0; j < L; j++) {
        wIn[j] = w(id)[j];
      }
      float[] expected = new float[config.outputSize()];
      reconciler.reconcile(wIn, 1, expected);
      assertArrayEquals(expected, sorted.get(id), "id " + id);
      assertArrayEquals(expected, interleaved.get(id), "id " + id);
      double err = Float64Reference.relativeError(
          Float64Reference.evaluate(reconciler.weights(), wIn), sorted.get(id), 0);
      assertTrue(err <= Float64Reference.RELATIVE_TOLERANCE, "id " + id + " error " + err);
    }
    engine.close();
  }
}
