package io.hypernet.spark;

import io.hypernet.spark.internal.InternalFrames;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hypernet.config.ConfigRow;
import io.hypernet.config.ConfigValidator;
import io.hypernet.config.SizeLimits;
import io.hypernet.engine.EngineKind;
import io.hypernet.testing.Float64Reference;
import io.hypernet.testing.LocalSpark;
import io.hypernet.weights.HypernetWeights;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeArrayData;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.types.UTF8String;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Valid configurations far from the defaults, under the test heap (-Xmx3g): a w of 3,000,000
 * floats and a hidden layer of 3,000,000 (each 1024 × that overflows an int, and a default batch
 * of either needs 12 GB), with n = D = 1. Every row must be computed right, in batches shrunk by
 * bytes, by both engines, with and without the activation (folded and two-layer JVM paths).
 */
class WideHypernetTest {
  private static final int WIDE = 3_000_000;
  private static final int ROWS_PER_CONFIG = 6;
  private static final List<String> CONFIGS = List.of("wide", "wide_sigmoid", "deep",
      "deep_sigmoid");

  private static SparkSession spark;
  private static HypernetCatalog catalog;
  private static Dataset<Row> input;

  @BeforeAll
  static void start() {
    spark = LocalSpark.start("local[2]");
    catalog = HypernetCatalog.build(spark, new ConfigValidator(new SizeLimits(1L << 30))
        .validate(List.of(
            new ConfigRow("wide", WIDE, 1, 1, 8, 7L, null, null, null, "test"),
            new ConfigRow("wide_sigmoid", WIDE, 1, 1, 8, 8L, null, "sigmoid", null, "test"),
            new ConfigRow("deep", 1, 1, 1, WIDE, 9L, null, null, null, "test"),
            new ConfigRow("deep_sigmoid", 1, 1, 1, WIDE, 10L, null, "sigmoid", null, "test"))));
    assertEquals(CONFIGS, List.copyOf(catalog.validConfigs().keySet()));
    int[] lengths = CONFIGS.stream().mapToInt(c -> catalog.validConfigs().get(c).l()).toArray();
    List<Long> ids = LongStream.range(0, CONFIGS.size() * ROWS_PER_CONFIG).boxed().toList();
    // Rows built as Catalyst rows around the float[]: converting 36M boxed floats took minutes.
    JavaRDD<InternalRow> rows = JavaSparkContext.fromSparkContext(spark.sparkContext())
        .parallelize(ids, 2).map(id -> {
          int config = (int) (id / ROWS_PER_CONFIG);
          return new GenericInternalRow(new Object[] {id,
              UTF8String.fromString(CONFIGS.get(config)),
              UnsafeArrayData.fromPrimitiveArray(w(id, lengths[config]))});
        });
    input = InternalFrames.of(spark, rows.rdd(), new StructType()
        .add("id", DataTypes.LongType, false)
        .add("config_id", DataTypes.StringType, false)
        .add("w", DataTypes.createArrayType(DataTypes.FloatType, false), false));
  }

  @AfterAll
  static void stop() {
    catalog.close();
    spark.stop();
  }

  /** Row id's w: values in [-1, 1] that differ by element and by row. */
  private static float[] w(long id, int l) {
    float[] w = new float[l];
    for (int j = 0; j < l; j++) {
      w[j] = ((j * 7919L + id * 104729L) % 2001 - 1000) / 1000f;
    }
    return w;
  }

  /**
   * The typical size of W's single element as a sum of hidden_dim random-signed terms:
   * sqrt(Σ (A2_k·h_k)²). The tolerance is relative to |W|, which float32 cannot meet when
   * 3,000,000 terms happen to cancel to a small sum (seen: 37 where the terms' scale is ~870, an
   * error of 5e-4 |W| from either engine); relative to this scale it is met. For the wide
   * configurations (8 terms) the scale is at most |W|'s order, so this is the documented check.
   */
  private static double termScale(HypernetWeights weights, float[] w) {
    int l = weights.inputSize();
    double sum = 0;
    for (int k = 0; k < weights.hiddenSize(); k++) {
      double h = weights.b1()[k];
      for (int j = 0; j < l; j++) {
        h += (double) weights.a1()[k * l + j] * w[j];
      }
      if (weights.activation() == io.hypernet.config.Activation.SIGMOID) {
        h = 1 / (1 + Math.exp(-h));
      }
      double term = weights.a2()[k] * h;
      sum += term * term;
    }
    return Math.sqrt(sum);
  }

  @ParameterizedTest
  @EnumSource(value = EngineKind.class, names = {"JVM", "DJL"})
  void wideAndDeepHypernetsComputeEveryRow(EngineKind engine) {
    Reconciliation result = HypernetReconciler.reconcile(spark, input, catalog,
        ReconcileOptions.defaults().withEngine(engine));
    List<Row> written = result.reconciled().collectAsList();
    assertEquals(CONFIGS.size() * ROWS_PER_CONFIG, written.size());
    assertEquals(0, result.metrics().rowsRejected());
    Map<String, HypernetWeights> built = new HashMap<>();
    for (Row out : written) {
      HypernetWeights weights = built.computeIfAbsent(out.getString(1),
          id -> HypernetWeights.seeded(catalog.validConfigs().get(id)));
      float[] got = {out.<Float>getList(4).get(0)};
      float[] w = w(out.getLong(0), weights.inputSize());
      double expected = Float64Reference.evaluate(weights, w)[0];
      double scale = Math.max(Math.abs(expected), termScale(weights, w));
      double err = Math.abs(got[0] - expected);
      assertTrue(err <= Float64Reference.RELATIVE_TOLERANCE * scale, out.getString(1) + " id "
          + out.getLong(0) + ": " + got[0] + " vs " + expected + ", error " + err);
    }
  }
}
