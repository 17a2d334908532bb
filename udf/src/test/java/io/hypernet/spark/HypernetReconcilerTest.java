package io.hypernet.spark;

import io.hypernet.spark.internal.ExecutorReconcilers;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hypernet.config.ConfigRow;
import io.hypernet.config.ConfigValidator;
import io.hypernet.config.SizeLimits;
import io.hypernet.engine.EngineKind;
import io.hypernet.testing.Float64Reference;
import io.hypernet.testing.LocalSpark;
import io.hypernet.weights.HypernetWeights;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The library's Dataset API on real local Spark, small enough to check every value. */
class HypernetReconcilerTest {
  private static SparkSession spark;
  private static HypernetCatalog catalog;

  @BeforeAll
  static void start() {
    spark = LocalSpark.start("local[2]");
    List<ConfigRow> configs = List.of(
        new ConfigRow("a", 8, 3, 5, 16, 11L, null, null, null, "test"),
        new ConfigRow("b", 4, 2, 7, null, -3L, true, "sigmoid", null, "test"),
        new ConfigRow("bad", 4, 0, 7, null, null, null, null, null, "test"));
    catalog = HypernetCatalog.build(spark,
        new ConfigValidator(new SizeLimits(1L << 30)).validate(configs));
  }

  @AfterAll
  static void stop() {
    catalog.close();
    spark.stop();
  }

  private static Dataset<Row> input(int rows) {
    StructType schema = new StructType()
        .add("id", DataTypes.StringType, true)
        .add("config_id", DataTypes.StringType, true)
        .add("w", DataTypes.createArrayType(DataTypes.DoubleType, true), true);
    Random random = new Random(5);
    List<Row> data = new ArrayList<>();
    for (int i = 0; i < rows; i++) {
      String config = i % 3 == 0 ? "b" : "a";
      int l = config.equals("a") ? 8 : 4;
      Double[] w = new Double[l];
      for (int j = 0; j < l; j++) {
        w[j] = random.nextGaussian();
      }
      data.add(RowFactory.create("row-" + i, config, w));
    }
    data.add(RowFactory.create(null, "a", new Double[8]));
    data.add(RowFactory.create("no-config", null, new Double[8]));
    data.add(RowFactory.create("unknown", "zzz", new Double[8]));
    data.add(RowFactory.create("invalid", "bad", new Double[4]));
    data.add(RowFactory.create("null-w", "a", null));
    data.add(RowFactory.create("short", "a", new Double[] {1.0, 2.0}));
    data.add(RowFactory.create("null-elem", "b", new Double[] {1.0, null, 2.0, 3.0}));
    data.add(RowFactory.create("nan", "b", new Double[] {1.0, Double.NaN, 2.0, 3.0}));
    data.add(RowFactory.create("inf", "b", new Double[] {1.0, 2.0, 1e300, 3.0}));
    return spark.createDataFrame(data, schema).repartition(3);
  }

  @ParameterizedTest
  @EnumSource(value = EngineKind.class, names = {"JVM", "DJL"})
  void reconcilesEveryRowOrRejectsItWithAReason(EngineKind engine) {
    Dataset<Row> input = input(200);
    Reconciliation result = HypernetReconciler.reconcile(spark, input, catalog,
        ReconcileOptions.defaults().withEngine(engine).withBatchSize(7));
    List<Row> written = result.reconciled().collectAsList();
    List<Row> rejected = result.rejected().collectAsList();
    assertEquals(input.count(), written.size() + rejected.size(), "in = written + rejected");
    assertEquals(200, written.size());

    Map<String, String> reasons = new HashMap<>();
    for (Row r : rejected) {
      reasons.put(r.isNullAt(0) ? "<null>" : r.getString(0), r.getAs("reason"));
    }
    assertEquals(Map.of("<null>", "null_id", "no-config", "null_config_id",
        "unknown", "unknown_config_id", "invalid", "invalid_config", "null-w", "null_w",
        "short", "wrong_w_length", "null-elem", "null_w_element", "nan", "non_finite_w",
        "inf", "non_finite_w"), reasons);

    Map<String, Row> byId = new HashMap<>();
    written.forEach(r -> byId.put(r.getString(0), r));
    Map<String, Row> inputById = new HashMap<>();
    input.collectAsList().forEach(r -> inputById.put(r.isNullAt(0) ? null : r.getString(0), r));
    for (int i = 0; i < 200; i++) {
      Row out = byId.get("row-" + i);
      HypernetWeights weights = HypernetWeights.seeded(
          catalog.validConfigs().get(out.getString(1)));
      assertEquals(weights.config().n(), out.getInt(2));
      assertEquals(weights.config().d(), out.getInt(3));
      List<Double> w = inputById.get("row-" + i).getList(2);
      float[] wf = new float[w.size()];
      for (int j = 0; j < wf.length; j++) {
        wf[j] = w.get(j).floatValue();
      }
      List<Float> got = out.getList(4);
      float[] gotf = new float[got.size()];
      for (int j = 0; j < gotf.length; j++) {
        gotf[j] = got.get(j);
      }
      double err = Float64Reference.relativeError(Float64Reference.evaluate(weights, wf), gotf, 0);
      assertTrue(err <= Float64Reference.RELATIVE_TOLERANCE, "row-" + i + " error " + err);
    }
    assertEquals(List.of(engine.label() + "/cpu"), result.metrics().engines());
  }

  @Test
  void wrongColumnTypesAreNamed() {
    Dataset<Row> badW = input(3).withColumn("w", org.apache.spark.sql.functions.lit("x"));
    InputSchemaException e = assertThrows(InputSchemaException.class,
        () -> HypernetReconciler.reconcile(spark, badW, catalog, ReconcileOptions.defaults()));
    assertTrue(e.getMessage().contains("'w' has type string"), e.getMessage());
    Dataset<Row> noId = input(3).drop("id");
    e = assertThrows(InputSchemaException.class,
        () -> HypernetReconciler.reconcile(spark, noId, catalog, ReconcileOptions.defaults()));
    assertTrue(e.getMessage().contains("no column 'id'"), e.getMessage());
  }

  @Test
  void inputColumnsOfAnyNamePassThroughAndRejectsCanBeFedBackRepeatedly() {
    // Columns named like the internal ones and like the rejects' own, in another case too.
    Dataset<Row> input = input(20)
        .withColumn("__hn_w", functions.lit("mine"))
        .withColumn("__HN_config_id", functions.lit(7))
        .withColumn("Reason", functions.lit("earlier"))
        .withColumn("input_reason_detail", functions.lit("taken"));
    ReconcileOptions options = ReconcileOptions.defaults().withEngine(EngineKind.JVM);
    Reconciliation first = HypernetReconciler.reconcile(spark, input, catalog, options);
    assertEquals(20, first.reconciled().count());
    Dataset<Row> rejects = first.rejected();
    assertEquals(List.of("id", "config_id", "w", "__hn_w", "__HN_config_id", "input_Reason",
        "input_reason_detail", "reason", "reason_detail"), List.of(rejects.columns()));
    Row nullW = rejects.filter("id = 'null-w'").first();
    assertEquals("mine", nullW.getAs("__hn_w"));
    assertEquals(7, (int) nullW.getAs("__HN_config_id"));
    assertEquals("earlier", nullW.getAs("input_Reason"));
    assertEquals("null_w", nullW.getAs("reason"));

    // Nothing fixed, fed back twice: every row rejected again for the same reason, each time
    // keeping the previous verdicts under input_ names.
    for (int round = 2; round <= 3; round++) {
      long in = rejects.count();
      Reconciliation again = HypernetReconciler.reconcile(spark, rejects, catalog, options);
      assertEquals(0, again.reconciled().count(), "round " + round);
      Dataset<Row> next = again.rejected();
      assertEquals(in, next.count(), "round " + round);
      // input_Reason holds round 1's input column, so round 2's verdict moves to input_reason_2.
      assertEquals(0, next.filter(functions.col("reason")
          .notEqual(functions.col("input_reason_" + round))).count(), "round " + round);
      rejects = next;
    }
    assertEquals(List.of("id", "config_id", "w", "__hn_w", "__HN_config_id", "input_Reason",
        "input_reason_detail", "input_reason_2", "input_reason_detail_2", "input_reason_3",
        "input_reason_detail_3", "reason", "reason_detail"), List.of(rejects.columns()));
  }

  @Test
  void executorCacheLoadsEachHypernetOncePerEngine() {
    ExecutorReconcilers.Stats before = ExecutorReconcilers.get().stats();
    ReconcileOptions jvm = ReconcileOptions.defaults().withEngine(EngineKind.JVM);
    HypernetReconciler.reconcile(spark, input(50), catalog, jvm).reconciled().count();
    HypernetReconciler.reconcile(spark, input(50), catalog, jvm).reconciled().count();
    ExecutorReconcilers.Stats after = ExecutorReconcilers.get().stats();
    assertTrue(after.misses() - before.misses() <= 2,
        "at most one load per configuration: " + before + " -> " + after);
    assertTrue(after.hits() > before.hits(), "later tasks reuse the loaded hypernet");
  }
}
