package io.hypernet.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hypernet.config.InvalidConfig;
import io.hypernet.job.report.RunReport;
import io.hypernet.testing.LocalSpark;
import io.hypernet.weights.SafetensorsWriter;
import java.nio.file.Files;
import java.nio.file.Path;
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
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Inputs a run must survive through the real CLI: sizes stored as INT64 beyond the int range,
 * weights locations that are no filesystem path, a relative weights path, a 1 MB config_id, input
 * columns named like the internal and the rejects' columns, and a run's rejects fed back as input
 * twice with nothing fixed.
 */
class UntrustedInputsTest {
  private static final StructType CONFIGS = new StructType()
      .add("config_id", DataTypes.StringType).add("l", DataTypes.LongType)
      .add("n", DataTypes.LongType).add("D", DataTypes.LongType)
      .add("hidden_dim", DataTypes.LongType).add("weights", DataTypes.StringType);
  private static final StructType INPUT = new StructType()
      .add("id", DataTypes.LongType).add("config_id", DataTypes.StringType)
      .add("w", DataTypes.createArrayType(DataTypes.FloatType, false))
      .add("__hn_w", DataTypes.StringType).add("reason", DataTypes.StringType);
  private static final String HUGE_ID = "c".repeat(1 << 20);
  private static final String HUGE_UNKNOWN_ID = "u".repeat(1 << 20);
  /** Invalid configurations and the start of their reason. */
  private static final Map<String, String> INVALID = new HashMap<>();
  private static final int GOOD_ROWS = 5;

  @TempDir
  static Path dir;
  static CliRunner.Result first;
  static RunReport report;

  private static Row config(String id, long l, long n, long d, long hidden, String weights) {
    return RowFactory.create(id, l, n, d, hidden, weights);
  }

  @BeforeAll
  static void writeInputsAndRun() throws Exception {
    List<Row> configs = new ArrayList<>(List.of(config("good", 4, 2, 3, 8, null),
        config("relative", 4, 2, 3, 8, "../models/t.safetensors")));
    long[] outOfRange = {4294967296L, -4294967232L};
    for (String column : List.of("l", "n", "D", "hidden_dim")) {
      for (long value : outOfRange) {
        long[] sizes = {4, 2, 3, 8};
        sizes[List.of("l", "n", "D", "hidden_dim").indexOf(column)] = value;
        String id = column + "=" + value;
        configs.add(config(id, sizes[0], sizes[1], sizes[2], sizes[3], null));
        INVALID.put(id, value > 0 ? column + " must be at most 2147483647 (an int), got " + value
            : column + " must be > 0, got " + value);
      }
    }
    Map<String, String> weights = Map.of(
        "http", "http://127.0.0.1:9/t.safetensors",
        "empty", "", "blank", "   ", "bad_host", "hdfs://bad host/x", "colons", "::");
    weights.forEach((id, location) -> configs.add(config(id, 4, 2, 3, 8, location)));
    INVALID.put("http", "weights 'http://127.0.0.1:9/t.safetensors' has the scheme 'http'");
    INVALID.put("empty", "weights is empty");
    INVALID.put("blank", "weights is empty");
    INVALID.put("bad_host", "weights 'hdfs://bad host/x' is neither a path nor a valid URI");
    INVALID.put("colons", "weights '::' is neither a path nor a valid URI");
    configs.add(config(HUGE_ID, 4, 0, 3, 8, null));

    List<Row> input = new ArrayList<>();
    long id = 0;
    for (int i = 0; i < GOOD_ROWS; i++) {
      input.add(RowFactory.create(id++, "good", new float[] {1, 2, 3, i}, "mine", "earlier"));
      input.add(RowFactory.create(id++, "relative", new float[] {1, 2, 3, i}, "mine", null));
    }
    for (String config : INVALID.keySet()) {
      input.add(RowFactory.create(id++, config, new float[] {1, 2, 3, 4}, "mine", null));
    }
    input.add(RowFactory.create(id++, HUGE_ID, new float[] {1, 2, 3, 4}, "mine", null));
    input.add(RowFactory.create(id++, HUGE_UNKNOWN_ID, new float[] {1, 2, 3, 4}, "mine", null));

    Files.createDirectories(dir.resolve("models"));
    Files.write(dir.resolve("models/t.safetensors"), new SafetensorsWriter()
        .f32("0.weight", new float[32], 8, 4).f32("0.bias", new float[8], 8)
        .f32("1.weight", new float[48], 6, 8).f32("1.bias", new float[] {1, 2, 3, 4, 5, 6}, 6)
        .bytes());
    SparkSession spark = LocalSpark.start("local[2]");
    try {
      spark.createDataFrame(configs, CONFIGS).coalesce(1).write().parquet(dir + "/configs");
      spark.createDataFrame(input, INPUT).coalesce(2).write().parquet(dir + "/w");
    } finally {
      spark.stop();
    }
    first = run(dir + "/w", 1);
    report = RunReport.fromJson(Files.readString(dir.resolve("out1/_report.json")));
  }

  private static CliRunner.Result run(String input, int round) {
    return CliRunner.run("run", "--input", input, "--configs", dir + "/configs", "--output",
        dir + "/out" + round, "--rejects", dir + "/rejects" + round, "--engine", "jvm",
        "--master", "local[2]");
  }

  @Test
  void outOfRangeSizesAndNonFilesystemWeightsAreInvalidConfigurationsNamingTheValue() {
    assertEquals(0, first.exitCode(), first.toString());
    Map<String, String> reasons = new HashMap<>();
    for (InvalidConfig c : report.invalidConfigs()) {
      reasons.put(c.configId(), c.reason());
    }
    INVALID.forEach((config, reason) -> assertTrue(reasons.get(config).startsWith(reason),
        config + ": " + reasons.get(config)));
    assertEquals(INVALID.size() + 1, report.invalidConfigs().size());
    assertEquals(INVALID.size() + 1L, report.rejectedByReason().get("invalid_config"));
  }

  @Test
  void aRelativeWeightsPathIsTheConfigsDirectorysSibling() {
    // Found beside the configs directory (else the run would stop with exit 2).
    assertEquals(2 * GOOD_ROWS, report.rowsWritten());
    assertEquals(new RunReport.ConfigCounts(GOOD_ROWS, 0), report.perConfig().get("relative"));
  }

  @Test
  void aMegabyteConfigIdIsBoundedInTheReportAndInReasonDetail() throws Exception {
    String bounded = "c".repeat(1024) + "… (" + ((1 << 20) - 1024) + " more characters)";
    assertTrue(report.invalidConfigs().stream().anyMatch(c -> c.configId().equals(bounded)));
    assertTrue(report.perConfig().containsKey(bounded), report.perConfig().keySet().toString());
    assertTrue(Files.size(dir.resolve("out1/_report.json")) < 20_000);
    SparkSession spark = LocalSpark.start("local[1]");
    try {
      Row unknown = spark.read().parquet(dir + "/rejects1")
          .filter("reason = 'unknown_config_id'").first();
      assertEquals("configuration '" + "u".repeat(1024) + "… (" + ((1 << 20) - 1024)
          + " more characters)' is not in the configurations", unknown.getAs("reason_detail"));
      assertEquals(HUGE_UNKNOWN_ID, unknown.getAs("config_id"), "the input's value is kept");
    } finally {
      spark.stop();
    }
  }

  @Test
  void rejectsFedBackAsInputAreRejectedAgainAndAccounted() throws Exception {
    long rejected = report.rowsRejected();
    assertEquals(INVALID.size() + 2, rejected);
    for (int round = 2; round <= 3; round++) {
      CliRunner.Result r = run(dir + "/rejects" + (round - 1), round);
      assertEquals(0, r.exitCode(), r.toString());
      RunReport again = RunReport.fromJson(
          Files.readString(dir.resolve("out" + round + "/_report.json")));
      assertEquals(rejected, again.rowsIn());
      assertEquals(0, again.rowsWritten());
      assertEquals(rejected, again.rowsRejected());
      assertTrue(again.accountingHolds());
      assertEquals(report.rejectedByReason(), again.rejectedByReason());
    }
    SparkSession spark = LocalSpark.start("local[1]");
    try {
      Dataset<Row> rejects = spark.read().parquet(dir + "/rejects3");
      // Round 1's input reason, then rounds 1 and 2's verdicts under the first free names.
      assertEquals(List.of("id", "config_id", "w", "__hn_w", "input_reason", "input_reason_2",
          "input_reason_detail", "input_reason_3", "input_reason_detail_2", "reason",
          "reason_detail"), List.of(rejects.columns()));
      assertEquals(rejected, rejects.count());
      assertEquals(0, rejects.filter("__hn_w <> 'mine' or reason <> input_reason_2 "
          + "or reason <> input_reason_3 or reason_detail <> input_reason_detail "
          + "or reason_detail <> input_reason_detail_2").count());
    } finally {
      spark.stop();
    }
  }
}
