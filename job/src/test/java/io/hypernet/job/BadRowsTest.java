package io.hypernet.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hypernet.job.report.RunReport;
import io.hypernet.testing.LocalSpark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every bad row and every invalid configuration (REFERENCE.md, "Configurations" and "Input
 * vectors"), through the real CLI: under {@code --on-bad-row reject} each lands in the rejects with
 * its reason and the report counts it; under {@code fail} each one alone stops the run with exit 3
 * and nothing published.
 */
class BadRowsTest {
  private static final StructType CONFIGS = new StructType()
      .add("config_id", DataTypes.StringType).add("l", DataTypes.IntegerType)
      .add("n", DataTypes.IntegerType).add("D", DataTypes.IntegerType)
      .add("hidden_dim", DataTypes.IntegerType).add("seed", DataTypes.LongType)
      .add("static", DataTypes.BooleanType).add("activation", DataTypes.StringType)
      .add("weights", DataTypes.StringType);
  private static final StructType INPUT = new StructType()
      .add("id", DataTypes.LongType).add("config_id", DataTypes.StringType)
      .add("w", DataTypes.createArrayType(DataTypes.DoubleType, true));

  /** Bad rows, keyed by the id they carry (the null-id row is keyed "null"). */
  private static final Map<String, Row> BAD_ROWS = new TreeMap<>();
  /** One row for each invalid configuration, ids 9000+. */
  private static final Map<String, Long> INVALID_CONFIG_ROWS = new TreeMap<>();
  private static final int GOOD_ROWS = 60;

  @TempDir
  static Path dir;
  static RunReport report;
  static Map<String, String> rejectReasons = new HashMap<>();
  static Map<String, String> rejectDetails = new HashMap<>();
  static List<Row> written;

  private static Double[] w(double... values) {
    Double[] boxed = new Double[values.length];
    for (int i = 0; i < values.length; i++) {
      boxed[i] = values[i];
    }
    return boxed;
  }

  private static List<Row> goodRows() {
    List<Row> rows = new ArrayList<>();
    for (long id = 1; id <= GOOD_ROWS; id++) {
      rows.add(RowFactory.create(id, id % 3 == 0 ? "sig" : "good",
          w(id * 0.1, -0.5, 1.0 / id, 0.25)));
    }
    return rows;
  }

  @BeforeAll
  static void writeInputsAndRunOnce() throws Exception {
    BAD_ROWS.put("null", RowFactory.create(null, "good", w(1, 2, 3, 4)));
    BAD_ROWS.put("101", RowFactory.create(101L, null, w(1, 2, 3, 4)));
    BAD_ROWS.put("102", RowFactory.create(102L, "nope", w(1, 2, 3, 4)));
    BAD_ROWS.put("103", RowFactory.create(103L, "good", null));
    BAD_ROWS.put("104", RowFactory.create(104L, "good", w(1, 2, 3)));
    BAD_ROWS.put("105", RowFactory.create(105L, "good", w(1, Double.NaN, 3, 4)));
    BAD_ROWS.put("106", RowFactory.create(106L, "good", w(1, 2, Double.POSITIVE_INFINITY, 4)));
    BAD_ROWS.put("107", RowFactory.create(107L, "good", w(Double.NEGATIVE_INFINITY, 2, 3, 4)));
    BAD_ROWS.put("108", RowFactory.create(108L, "good", w(1, 2, 1e300, 4)));
    BAD_ROWS.put("109", RowFactory.create(109L, "good", new Double[] {1.0, null, 3.0, 4.0}));

    List<Row> configs = new ArrayList<>(List.of(
        RowFactory.create("good", 4, 2, 3, 8, 1L, null, null, null),
        RowFactory.create("sig", 4, 3, 2, 8, 2L, true, "sigmoid", null),
        RowFactory.create("dup", 4, 2, 3, 8, 1L, null, null, null),
        RowFactory.create("dup", 4, 2, 3, 8, 2L, null, null, null),
        RowFactory.create("no_l", null, 2, 3, 8, 1L, null, null, null),
        RowFactory.create("zero_n", 4, 0, 3, 8, 1L, null, null, null),
        RowFactory.create("neg_D", 4, 2, -3, 8, 1L, null, null, null),
        RowFactory.create("zero_hidden", 4, 2, 3, 0, 1L, null, null, null),
        RowFactory.create("relu", 4, 2, 3, 8, 1L, null, "relu", null),
        RowFactory.create("trained", 4, 2, 3, 8, 1L, false, null, null),
        RowFactory.create("too_big", 4, 1024, 1024, 128, 1L, null, null, null),
        RowFactory.create(null, 4, 2, 3, 8, 1L, null, null, null)));
    List<Row> input = new ArrayList<>(goodRows());
    input.addAll(BAD_ROWS.values());
    // A duplicate id within 'good' (both written) and the same id in 'sig' (not a duplicate).
    input.add(RowFactory.create(1L, "good", w(9, 9, 9, 9)));
    input.add(RowFactory.create(2L, "sig", w(1, 1, 1, 1)));
    long id = 9000;
    for (String config : List.of("dup", "no_l", "zero_n", "neg_D", "zero_hidden", "relu",
        "trained", "too_big")) {
      INVALID_CONFIG_ROWS.put(config, id);
      input.add(RowFactory.create(id++, config, w(1, 2, 3, 4)));
    }

    SparkSession spark = LocalSpark.start("local[2]");
    try {
      spark.createDataFrame(configs, CONFIGS).coalesce(1).write().parquet(dir + "/configs");
      spark.createDataFrame(input, INPUT).repartition(3).write().parquet(dir + "/w");
      for (Map.Entry<String, Row> bad : BAD_ROWS.entrySet()) {
        List<Row> one = new ArrayList<>(goodRows());
        one.add(bad.getValue());
        spark.createDataFrame(one, INPUT).write().parquet(dir + "/one-bad-" + bad.getKey());
      }
      List<Row> duplicate = new ArrayList<>(goodRows());
      duplicate.add(RowFactory.create(7L, "good", w(0, 0, 0, 0)));
      spark.createDataFrame(duplicate, INPUT).write().parquet(dir + "/one-bad-duplicate");
    } finally {
      spark.stop();
    }

    CliRunner.Result r = CliRunner.run("run", "--input", dir + "/w", "--configs",
        dir + "/configs", "--output", dir + "/out", "--engine", "jvm", "--master", "local[2]",
        "--max-weights-mb", "64");
    assertEquals(0, r.exitCode(), r.toString());
    report = RunReport.fromJson(Files.readString(Path.of(dir + "/out/_report.json")));

    spark = LocalSpark.start("local[1]");
    try {
      for (Row row : spark.read().parquet(dir + "/out/_rejects/*.parquet").collectAsList()) {
        String key = row.isNullAt(0) ? "null" : String.valueOf(row.getLong(0));
        rejectReasons.put(key, row.getAs("reason"));
        rejectDetails.put(key, row.getAs("reason_detail"));
      }
      written = spark.read().parquet(dir + "/out").collectAsList();
    } finally {
      spark.stop();
    }
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
      "null, null_id, id is null",
      "101, null_config_id, config_id is null",
      "102, unknown_config_id, configuration 'nope' is not in the configurations",
      "103, null_w, w is null",
      "104, wrong_w_length, w has 3 elements but configuration 'good' has l=4",
      "105, non_finite_w, w has a NaN or infinite element",
      "106, non_finite_w, w has a NaN or infinite element",
      "107, non_finite_w, w has a NaN or infinite element",
      "108, non_finite_w, w has a NaN or infinite element",
      "109, null_w_element, w has a null element"})
  void badRowIsRejectedWithItsReason(String id, String reason, String detail) {
    assertEquals(reason, rejectReasons.get(id), "row " + id);
    assertTrue(rejectDetails.get(id).startsWith(detail), rejectDetails.get(id));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "dup         | duplicate config_id: 2 rows in the configurations",
      "no_l        | l is missing (null)",
      "zero_n      | n must be > 0, got 0",
      "neg_D       | D must be > 0, got -3",
      "zero_hidden | hidden_dim must be > 0, got 0",
      "relu        | unknown activation 'relu'",
      "trained     | static=false needs a weights path",
      "too_big     | hypernet weights need 516.0 MiB"})
  void rowsOfAnInvalidConfigurationAreRejectedAndTheReportListsIt(String config, String why) {
    String id = String.valueOf(INVALID_CONFIG_ROWS.get(config));
    assertEquals("invalid_config", rejectReasons.get(id));
    assertTrue(rejectDetails.get(id).startsWith("configuration '" + config + "' is invalid: "
        + why), rejectDetails.get(id));
    assertTrue(report.invalidConfigs().stream()
        .anyMatch(c -> config.equals(c.configId()) && c.reason().startsWith(why)),
        report.invalidConfigs().toString());
  }

  @Test
  void nullConfigIdInTheConfigurationsIsReportedNamingTheFile() {
    assertTrue(report.invalidConfigs().stream().anyMatch(c -> c.configId() == null
        && c.reason().startsWith("config_id is null in " + dir + "/configs")),
        report.invalidConfigs().toString());
    assertEquals(12 - 1, report.configurations(), "11 distinct keys incl. the null one");
  }

  @Test
  void everyRowIsWrittenOrRejectedAndTheReportSaysSo() {
    long in = GOOD_ROWS + BAD_ROWS.size() + 2 + INVALID_CONFIG_ROWS.size();
    assertEquals(in, report.rowsIn());
    assertEquals(GOOD_ROWS + 2, report.rowsWritten());
    assertEquals(written.size(), report.rowsWritten());
    assertEquals(BAD_ROWS.size() + INVALID_CONFIG_ROWS.size(), report.rowsRejected());
    assertEquals(rejectReasons.size(), report.rowsRejected());
    assertTrue(report.accountingHolds());
    assertEquals(Map.of("invalid_config", 8L, "non_finite_w", 4L, "null_config_id", 1L,
        "null_id", 1L, "null_w", 1L, "null_w_element", 1L, "unknown_config_id", 1L,
        "wrong_w_length", 1L), report.rejectedByReason());
    assertEquals(new RunReport.ConfigCounts(GOOD_ROWS - GOOD_ROWS / 3 + 1, 8),
        report.perConfig().get("good"));
    assertEquals(new RunReport.ConfigCounts(0, 1), report.perConfig().get("<null>"));
  }

  @Test
  void duplicateIdsWithinAConfigurationAreAllWrittenAndReported() {
    assertEquals(new RunReport.Duplicates(1, 2,
        List.of(new RunReport.DuplicateKey("good", "1", 2))), report.duplicates());
    assertEquals(2, written.stream().filter(r -> r.getLong(0) == 1L).count());
    assertEquals(2, written.stream().filter(r -> r.getLong(0) == 2L).count(),
        "id 2 in 'good' and in 'sig' is not a duplicate");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"null, null_id", "101, null_config_id", "102, unknown_config_id", "103, null_w",
      "104, wrong_w_length", "105, non_finite_w", "108, non_finite_w", "109, null_w_element",
      "duplicate, more than once within a configuration"})
  void aSingleBadRowFailsTheRunUnderTheFailPolicy(String key, String expected) {
    String output = dir + "/fail-" + key;
    CliRunner.Result r = CliRunner.run("run", "--input", dir + "/one-bad-" + key, "--configs",
        dir + "/configs", "--output", output, "--engine", "jvm", "--master", "local[1]",
        "--on-bad-row", "fail", "--max-weights-mb", "64");
    assertEquals(3, r.exitCode(), r.toString());
    assertTrue(r.err().contains(expected) && r.err().contains("nothing was published"),
        r.err());
    if (!key.equals("duplicate")) {
      assertTrue(r.err().contains("e.g. id=" + key), "names the row: " + r.err());
    }
    assertFalse(Files.exists(Path.of(output)));
  }
}
