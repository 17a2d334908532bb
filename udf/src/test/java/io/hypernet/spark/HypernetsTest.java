package io.hypernet.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hypernet.config.HypernetConfig;
import io.hypernet.config.SizeLimits;
import io.hypernet.config.WeightsInit;
import io.hypernet.testing.Float64Reference;
import io.hypernet.testing.LocalSpark;
import io.hypernet.testing.RandomVectors;
import io.hypernet.weights.HypernetWeights;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.SparkException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The public entry point as a library user calls it: configurations as a DataFrame or path. */
class HypernetsTest {
  private static SparkSession spark;
  private static Dataset<Row> configsFrame;

  @BeforeAll
  static void start() {
    spark = LocalSpark.start("local[2]");
    StructType schema = new StructType()
        .add("config_id", DataTypes.StringType)
        .add("l", DataTypes.IntegerType)
        .add("n", DataTypes.IntegerType)
        .add("D", DataTypes.IntegerType)
        .add("seed", DataTypes.LongType)
        .add("activation", DataTypes.StringType)
        .add("init", DataTypes.StringType)
        .add("note", DataTypes.StringType); // not a config column: ignored
    configsFrame = spark.createDataFrame(List.of(
        RowFactory.create("a", 6, 3, 4, 7L, null, null, "x"),
        RowFactory.create("b", 3, 2, 5, 9L, "sigmoid", "torch", "y"),
        RowFactory.create("bad", 3, 0, 5, 1L, null, null, "z")), schema);
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  /** Rows with a label column the pass-through form must keep; the last two are bad. */
  private static Dataset<Row> input() {
    StructType schema = new StructType()
        .add("label", DataTypes.StringType)
        .add("config_id", DataTypes.StringType)
        .add("w", DataTypes.createArrayType(DataTypes.FloatType));
    List<Row> rows = new ArrayList<>(RandomVectors.rows(40, 3, List.of("a", "b"),
        Map.of("a", 6, "b", 3), i -> "row-" + i, true));
    rows.add(RowFactory.create("unknown", "zzz", new Float[] {1f}));
    rows.add(RowFactory.create("invalid", "bad", new Float[] {1f, 2f, 3f}));
    return spark.createDataFrame(rows, schema).repartition(3);
  }

  @Test
  void aDataFrameAndAParquetTableGiveTheSameConfigurations(@TempDir Path dir) {
    configsFrame.write().parquet(dir + "/configs");
    HypernetConfigs fromPath = HypernetConfigs.read(spark, dir + "/configs");
    HypernetConfigs fromFrame = HypernetConfigs.of(configsFrame);
    assertEquals(3, fromPath.size());
    SizeLimits limits = new SizeLimits(1L << 30);
    assertEquals(fromFrame.validate(limits).valid(), fromPath.validate(limits).valid());
    assertEquals(List.of("bad"), fromPath.validate(limits).invalid().stream()
        .map(i -> i.configId()).toList());
    assertEquals(List.of(WeightsInit.SEEDED, WeightsInit.TORCH), fromPath.validate(limits)
        .valid().stream().map(HypernetConfig::init).toList());
    // Saved and read back (what the ML Transformer's persistence does): the same configurations.
    fromPath.toDF(spark).write().parquet(dir + "/saved");
    assertEquals(fromPath.validate(limits).valid(),
        HypernetConfigs.read(spark, dir + "/saved").validate(limits).valid());
  }

  @Test
  void configurationColumnsCanBeMappedLikeTheInputs(@TempDir Path dir) {
    Dataset<Row> renamed = configsFrame.withColumnRenamed("config_id", "cfg")
        .withColumnRenamed("D", "cols");
    renamed.write().parquet(dir + "/configs");
    Map<String, String> columns = Map.of("config_id", "cfg", "D", "cols");
    SizeLimits limits = new SizeLimits(1L << 30);
    List<HypernetConfig> expected = HypernetConfigs.of(configsFrame).validate(limits).valid();
    assertEquals(expected, HypernetConfigs.of(renamed, columns).validate(limits).valid());
    assertEquals(expected,
        HypernetConfigs.read(spark, dir + "/configs", columns).validate(limits).valid());
    InvalidConfigsException e = assertThrows(InvalidConfigsException.class,
        () -> HypernetConfigs.read(spark, dir + "/configs", Map.of("config_id", "id")));
    assertTrue(e.getMessage().contains("column 'id' (mapped to config_id) is missing"),
        e.getMessage());
    e = assertThrows(InvalidConfigsException.class,
        () -> HypernetConfigs.of(renamed, Map.of("size", "cols")));
    assertTrue(e.getMessage().contains("cannot map 'size'"), e.getMessage());
  }

  @Test
  void badConfigurationTablesAreRefusedWithTheirReason(@TempDir Path dir) {
    InvalidConfigsException e = assertThrows(InvalidConfigsException.class,
        () -> HypernetConfigs.of(configsFrame.drop("D")));
    assertTrue(e.getMessage().contains("required column 'D' is missing"), e.getMessage());
    e = assertThrows(InvalidConfigsException.class,
        () -> HypernetConfigs.of(configsFrame.withColumn("l",
            org.apache.spark.sql.functions.lit("6"))));
    assertTrue(e.getMessage().contains("column 'l' has type string"), e.getMessage());
    e = assertThrows(InvalidConfigsException.class,
        () -> HypernetConfigs.read(spark, dir + "/nothing-here"));
    assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
    HypernetConfigs empty = HypernetConfigs.of(configsFrame.limit(0));
    e = assertThrows(InvalidConfigsException.class,
        () -> Hypernets.reconcile(input(), empty, ReconcileOptions.defaults()));
    assertTrue(e.getMessage().contains("holds no configurations"), e.getMessage());
  }

  @Test
  void reconcileGivesWByIdAndTheRejects() {
    Dataset<Row> input = input().withColumnRenamed("label", "id");
    try (Reconciliation result = Hypernets.reconcile(input, HypernetConfigs.of(configsFrame),
        ReconcileOptions.defaults().withBatchSize(4))) {
      List<Row> written = result.reconciled().collectAsList();
      assertEquals(40, written.size());
      assertEquals(2, result.rejected().count());
      assertEquals(3, result.configurations());
      assertEquals("bad", result.invalidConfigs().get(0).configId());
      Map<String, Row> inputById = new HashMap<>();
      input.collectAsList().forEach(r -> inputById.put(r.getString(0), r));
      for (Row out : written) {
        assertWithinTolerance(out.getString(1), inputById.get(out.getString(0)).getList(2),
            out.getList(4));
      }
    }
  }

  @Test
  void withWKeepsEveryInputColumnAndMarksBadRows() {
    Dataset<Row> out = Hypernets.withW(input(), HypernetConfigs.of(configsFrame),
        ReconcileOptions.defaults().withBatchSize(3),
        "W_matrix", OnBadRow.KEEP);
    assertEquals(List.of("label", "config_id", "w", "W_matrix", "reason", "reason_detail"),
        List.of(out.columns()));
    List<Row> rows = out.collectAsList();
    assertEquals(42, rows.size(), "every input row comes out");
    Map<String, String> reasons = new HashMap<>();
    for (Row r : rows) {
      if (r.isNullAt(3)) {
        reasons.put(r.getString(0), r.getString(4));
      } else {
        assertNull(r.get(4));
        assertWithinTolerance(r.getString(1), r.getList(2), r.getList(3));
      }
    }
    assertEquals(Map.of("unknown", "unknown_config_id", "invalid", "invalid_config"), reasons);
  }

  @Test
  void withWDropsOrFailsOnBadRowsWhenAsked() {
    ReconcileOptions options = ReconcileOptions.defaults(); // its id column is ignored
    Dataset<Row> dropped = Hypernets.withW(input(), HypernetConfigs.of(configsFrame), options,
        "W_matrix", OnBadRow.DROP);
    assertEquals(List.of("label", "config_id", "w", "W_matrix"), List.of(dropped.columns()));
    assertEquals(40, dropped.count());
    Dataset<Row> failing = Hypernets.withW(input(), HypernetConfigs.of(configsFrame), options,
        "W_matrix", OnBadRow.FAIL);
    SparkException e = assertThrows(SparkException.class, failing::collectAsList);
    assertTrue(String.valueOf(e.getMessage()).contains("could not be reconciled"),
        e.getMessage());
  }

  @Test
  void anExistingOutputColumnIsRefusedBeforeAnyWork() {
    // Spark resolves names case-insensitively: W beside the input's w would be ambiguous.
    assertThrows(InputSchemaException.class, () -> Hypernets.withW(input(),
        HypernetConfigs.of(configsFrame), ReconcileOptions.defaults(), "W", OnBadRow.DROP));
    ReconcileOptions options = ReconcileOptions.defaults();
    InputSchemaException e = assertThrows(InputSchemaException.class,
        () -> Hypernets.withW(input(), HypernetConfigs.of(configsFrame), options, "label",
            OnBadRow.KEEP));
    assertTrue(e.getMessage().contains("already has a column 'label'"), e.getMessage());
  }

  private static void assertWithinTolerance(String configId, List<Float> w, List<Float> got) {
    HypernetConfig config = HypernetConfigs.of(configsFrame).validate(new SizeLimits(1L << 30))
        .valid().stream().filter(c -> c.configId().equals(configId)).findFirst().orElseThrow();
    float[] wf = new float[w.size()];
    for (int j = 0; j < wf.length; j++) {
      wf[j] = w.get(j);
    }
    float[] gotf = new float[got.size()];
    for (int j = 0; j < gotf.length; j++) {
      gotf[j] = got.get(j);
    }
    double err = Float64Reference.relativeError(
        Float64Reference.evaluate(HypernetWeights.seeded(config), wf), gotf, 0);
    assertTrue(err <= Float64Reference.RELATIVE_TOLERANCE, configId + " error " + err);
  }
}
