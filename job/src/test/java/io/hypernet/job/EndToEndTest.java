package io.hypernet.job;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hypernet.testing.OutputRows;
import io.hypernet.config.HypernetConfig;
import io.hypernet.config.SizeLimits;
import io.hypernet.job.report.RunReport;
import io.hypernet.spark.HypernetConfigs;
import io.hypernet.testing.Float64Reference;
import io.hypernet.testing.LocalSpark;
import io.hypernet.weights.HypernetWeights;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * generate → run → read back, through the real CLI on local[2] and real Parquet files: schema,
 * row accounting, ids, values against float64, and identical results across input layouts.
 */
class EndToEndTest {
  private static final int ROWS = 3000;
  private static final int BAD_ROWS = 8;

  @TempDir
  static Path dir;

  @BeforeAll
  static void generateTwoLayoutsOfTheSameSample() {
    for (int partitions : new int[] {1, 8}) {
      CliRunner.Result r = CliRunner.run("generate", "--rows", "" + ROWS, "--configs", "3",
          "--l", "16", "--n", "8", "--D", "24", "--hidden-dim", "32", "--bad-rows",
          "" + BAD_ROWS, "--partitions", "" + partitions, "--out", dir + "/in" + partitions,
          "--master", "local[2]");
      assertEquals(0, r.exitCode(), r.toString());
    }
  }

  private static CliRunner.Result run(int partitions, String engine, String output) {
    return CliRunner.run("run", "--input", dir + "/in" + partitions + "/w", "--configs",
        dir + "/in" + partitions + "/configs", "--output", output, "--engine", engine,
        // Layouts differ in every knob that must not change W: partitions, batch size, threads.
        "--batch-size", partitions == 1 ? "100" : "37", "--master",
        partitions == 1 ? "local[1]" : "local[3]");
  }

  @Test
  void writesEveryGoodRowWithCorrectValuesAndRejectsTheRest() throws Exception {
    String output = dir + "/out-djl";
    CliRunner.Result r = run(8, "djl", output);
    assertEquals(0, r.exitCode(), r.toString());
    assertTrue(r.out().contains(ROWS + " rows in, " + (ROWS - BAD_ROWS) + " written, "
        + BAD_ROWS + " rejected"), r.out());

    RunReport report = RunReport.fromJson(Files.readString(Path.of(output, "_report.json")));
    assertEquals(ROWS, report.rowsIn());
    assertEquals(ROWS - BAD_ROWS, report.rowsWritten());
    assertEquals(Map.of("unknown_config_id", 2L, "wrong_w_length", 2L, "non_finite_w", 2L,
        "null_w", 2L), report.rejectedByReason());
    assertEquals(List.of("djl/cpu"), report.engines());
    assertTrue(report.accountingHolds());
    assertTrue(Files.exists(Path.of(output, "_SUCCESS")));

    SparkSession spark = LocalSpark.start("local[2]");
    try {
      StructType expected = new StructType()
          .add("id", DataTypes.LongType, true)
          .add("config_id", DataTypes.StringType, true)
          .add("n", DataTypes.IntegerType, true)
          .add("D", DataTypes.IntegerType, true)
          .add("W", DataTypes.createArrayType(DataTypes.FloatType, true), true);
      // Parquet reads every column back as nullable.
      assertEquals(expected, spark.read().parquet(output).schema());

      Map<Long, Row> out = OutputRows.byId(spark.read().parquet(output).collectAsList());
      Map<Long, Row> in = OutputRows.byId(spark.read().parquet(dir + "/in8/w").collectAsList());
      Set<Long> rejectedIds = spark.read().parquet(output + "/_rejects").collectAsList().stream()
          .map(row -> row.getLong(0)).collect(Collectors.toSet());
      assertEquals(BAD_ROWS, rejectedIds.size());
      for (long id = 0; id < ROWS; id++) {
        assertTrue(out.containsKey(id) ^ rejectedIds.contains(id), "id " + id
            + " must be written or rejected, exactly once");
      }

      Map<String, HypernetWeights> weights = weightsOf(spark, dir + "/in8/configs");
      for (long id = 0; id < ROWS; id += 97) {
        if (rejectedIds.contains(id)) {
          continue;
        }
        Row row = out.get(id);
        HypernetWeights hw = weights.get(row.getString(1));
        assertEquals(in.get(id).getString(1), row.getString(1));
        assertEquals(8, row.getInt(2));
        assertEquals(24, row.getInt(3));
        double err = Float64Reference.relativeError(
            Float64Reference.evaluate(hw, OutputRows.floats(in.get(id).getList(2))),
            OutputRows.floats(row.getList(4)), 0);
        assertTrue(err <= Float64Reference.RELATIVE_TOLERANCE, "id " + id + ": error " + err);
      }
    } finally {
      spark.stop();
    }
  }

  @Test
  void jvmEngineGivesBitIdenticalOutputAcrossPartitionsBatchSizesAndThreads() {
    assertEquals(0, run(1, "jvm", dir + "/jvm-p1").exitCode());
    assertEquals(0, run(8, "jvm", dir + "/jvm-p8").exitCode());
    SparkSession spark = LocalSpark.start("local[2]");
    try {
      Map<Long, Row> one = OutputRows.byId(spark.read().parquet(dir + "/jvm-p1").collectAsList());
      Map<Long, Row> eight = OutputRows.byId(spark.read().parquet(dir + "/jvm-p8").collectAsList());
      assertEquals(one.keySet(), eight.keySet());
      assertEquals(ROWS - BAD_ROWS, one.size());
      for (Long id : one.keySet()) {
        assertEquals(one.get(id).getString(1), eight.get(id).getString(1));
        assertArrayEquals(OutputRows.floats(one.get(id).getList(4)), OutputRows.floats(eight.get(id).getList(4)),
            "id " + id);
      }
    } finally {
      spark.stop();
    }
  }

  /** DJL: within tolerance of the JVM engine; bit-identical on a rerun of the same layout. */
  @Test
  void djlAgreesWithJvmWithinToleranceAndRepeatsItselfExactly() {
    assertEquals(0, run(1, "djl", dir + "/djl-p1").exitCode());
    assertEquals(0, run(1, "djl", dir + "/djl-p1-rerun").exitCode());
    assertEquals(0, run(8, "jvm", dir + "/jvm-p8b").exitCode());
    SparkSession spark = LocalSpark.start("local[2]");
    try {
      Map<Long, Row> djl = OutputRows.byId(spark.read().parquet(dir + "/djl-p1").collectAsList());
      Map<Long, Row> rerun = OutputRows.byId(spark.read().parquet(dir + "/djl-p1-rerun").collectAsList());
      Map<Long, Row> jvm = OutputRows.byId(spark.read().parquet(dir + "/jvm-p8b").collectAsList());
      assertEquals(djl.keySet(), jvm.keySet());
      for (Long id : djl.keySet()) {
        assertArrayEquals(OutputRows.floats(djl.get(id).getList(4)), OutputRows.floats(rerun.get(id).getList(4)),
            "djl rerun, id " + id);
        float[] a = OutputRows.floats(djl.get(id).getList(4));
        float[] b = OutputRows.floats(jvm.get(id).getList(4));
        double max = 0;
        double diff = 0;
        for (int i = 0; i < a.length; i++) {
          max = Math.max(max, Math.abs(a[i]));
          diff = Math.max(diff, Math.abs(a[i] - b[i]));
        }
        assertTrue(diff <= 2 * Float64Reference.RELATIVE_TOLERANCE * max, "id " + id);
      }
    } finally {
      spark.stop();
    }
  }

  static Map<String, HypernetWeights> weightsOf(SparkSession spark, String configsPath) {
    Map<String, HypernetWeights> weights = new HashMap<>();
    for (HypernetConfig c : HypernetConfigs.read(spark, configsPath)
        .validate(new SizeLimits(1L << 30)).valid()) {
      weights.put(c.configId(), HypernetWeights.seeded(c));
    }
    return weights;
  }
}
