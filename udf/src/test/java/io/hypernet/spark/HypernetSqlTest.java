package io.hypernet.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hypernet.testing.Float64Reference;
import io.hypernet.testing.LocalSpark;
import io.hypernet.testing.RandomVectors;
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

/** The SQL functions: the batch path's W and reasons, one row at a time. */
class HypernetSqlTest {
  private static SparkSession spark;
  private static HypernetConfigs configs;

  @BeforeAll
  static void start() {
    spark = LocalSpark.start("local[2]");
    StructType schema = new StructType()
        .add("config_id", DataTypes.StringType)
        .add("l", DataTypes.IntegerType)
        .add("n", DataTypes.IntegerType)
        .add("D", DataTypes.IntegerType)
        .add("seed", DataTypes.LongType)
        .add("activation", DataTypes.StringType);
    configs = HypernetConfigs.of(spark.createDataFrame(List.of(
        RowFactory.create("a", 5, 3, 4, 7L, "sigmoid"),
        RowFactory.create("b", 3, 2, 2, 8L, null),
        RowFactory.create("bad", 3, -1, 2, 8L, null)), schema));
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  private static Dataset<Row> input() {
    StructType schema = new StructType()
        .add("id", DataTypes.LongType)
        .add("config_id", DataTypes.StringType)
        .add("w", DataTypes.createArrayType(DataTypes.DoubleType));
    List<Row> rows = new ArrayList<>(RandomVectors.rows(24, 9, List.of("a", "b"),
        Map.of("a", 5, "b", 3), i -> i, false));
    rows.add(RowFactory.create(100L, null, new Double[] {1.0, 2.0, 3.0}));
    rows.add(RowFactory.create(101L, "zzz", new Double[] {1.0}));
    rows.add(RowFactory.create(102L, "bad", new Double[] {1.0, 2.0, 3.0}));
    rows.add(RowFactory.create(103L, "b", null));
    rows.add(RowFactory.create(104L, "b", new Double[] {1.0}));
    rows.add(RowFactory.create(105L, "b", new Double[] {1.0, null, 2.0}));
    rows.add(RowFactory.create(106L, "b", new Double[] {1.0, Double.NaN, 2.0}));
    rows.add(RowFactory.create(107L, "b", new Double[] {1.0, 1e300, 2.0}));
    // A null and a non-finite element together: non_finite_w on every front end (the batch
    // path once said null_w_element for these unless a NaN was among them).
    rows.add(RowFactory.create(108L, "b", new Double[] {null, Double.POSITIVE_INFINITY, 2.0}));
    rows.add(RowFactory.create(109L, "b", new Double[] {Double.NaN, null, 2.0}));
    rows.add(RowFactory.create(110L, "b", new Double[] {null, 2.0, Double.NEGATIVE_INFINITY}));
    rows.add(RowFactory.create(111L, "b", new Double[] {null, 2.0, -1e300}));
    return spark.createDataFrame(rows, schema);
  }

  @Test
  void sqlGivesTheBatchPathsWAndReasons() {
    HypernetSql.register(spark, configs);
    input().createOrReplaceTempView("vectors");
    List<Row> sql = spark.sql("SELECT id, hypernet_reconcile(config_id, w) AS W, "
        + "hypernet_reject_reason(config_id, w) AS reason FROM vectors").collectAsList();
    assertEquals(36, sql.size());

    Map<Long, String> batchReasons = new HashMap<>();
    Map<Long, Row> batchW = new HashMap<>();
    try (Reconciliation batch = Hypernets.reconcile(input(), configs,
        ReconcileOptions.defaults())) {
      batch.rejected().collectAsList()
          .forEach(r -> batchReasons.put(r.getLong(0), r.getAs("reason")));
      batch.reconciled().collectAsList().forEach(r -> batchW.put(r.getLong(0), r));
    }
    assertEquals(12, batchReasons.size());
    assertEquals(Map.ofEntries(Map.entry(100L, "null_config_id"),
        Map.entry(101L, "unknown_config_id"), Map.entry(102L, "invalid_config"),
        Map.entry(103L, "null_w"), Map.entry(104L, "wrong_w_length"),
        Map.entry(105L, "null_w_element"), Map.entry(106L, "non_finite_w"),
        Map.entry(107L, "non_finite_w"), Map.entry(108L, "non_finite_w"),
        Map.entry(109L, "non_finite_w"), Map.entry(110L, "non_finite_w"),
        Map.entry(111L, "non_finite_w")), batchReasons);
    // The pass-through form (the ML Transformer's) classifies with the same rules.
    Map<Long, String> keptReasons = new HashMap<>();
    Hypernets.withW(input(), configs, ReconcileOptions.defaults(), "W_matrix", OnBadRow.KEEP)
        .filter("reason IS NOT NULL").collectAsList()
        .forEach(r -> keptReasons.put(r.getLong(0), r.getAs("reason")));
    assertEquals(batchReasons, keptReasons);
    for (Row r : sql) {
      long id = r.getLong(0);
      assertEquals(batchReasons.get(id), r.getString(2), "reason of row " + id);
      if (r.isNullAt(1)) {
        assertTrue(batchReasons.containsKey(id), "row " + id + " has W in the batch path");
        continue;
      }
      List<Float> sqlW = r.getList(1);
      List<Float> batch = batchW.get(id).getList(4);
      assertEquals(batch.size(), sqlW.size());
      float[] got = new float[sqlW.size()];
      double[] expected = new double[batch.size()];
      for (int j = 0; j < got.length; j++) {
        got[j] = sqlW.get(j);
        expected[j] = batch.get(j);
      }
      double err = Float64Reference.relativeError(expected, got, 0);
      assertTrue(err <= Float64Reference.RELATIVE_TOLERANCE, "row " + id + ": " + err);
    }
  }
}
