package io.hypernet.job;

import static io.hypernet.job.TableReaders.local;
import static io.hypernet.job.TableReaders.rows;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.input_file_name;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hypernet.job.report.RunReport;
import io.hypernet.parquet.OutputCodecs;
import io.hypernet.spark.HypernetConfigs;
import io.hypernet.spark.Hypernets;
import io.hypernet.spark.ReconcileOptions;
import io.hypernet.spark.Reconciliation;
import io.hypernet.table.DeltaTables;
import io.hypernet.table.DeltaTarget;
import io.hypernet.table.TableCommit;
import io.hypernet.table.TableConflictException;
import io.hypernet.table.TableMode;
import io.hypernet.table.TableWrite;
import io.hypernet.testing.LocalSpark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --output-format delta} through the CLI and the library, read back by Delta Lake's own
 * Spark reader (delta-spark), DuckDB and pyarrow: every mode is one version holding exactly the
 * rows a Parquet run writes, filters prune files, and a conflicting or failed write commits
 * nothing. Delta runs on both Spark lines.
 */
class DeltaTableTest {
  private static final int ROWS = TableReaders.ROWS;
  private static final int BAD_ROWS = TableReaders.BAD_ROWS;

  @TempDir
  static Path dir;
  private static String table;

  @BeforeAll
  static void generate() {
    table = dir + "/W";
    TableReaders.generateInput(dir);
  }

  private static CliRunner.Result run(String input, String mode, String... more) {
    List<String> args = new ArrayList<>(List.of("run", "--input", input, "--configs",
        dir + "/in/configs", "--output-format", "delta", "--table", table, "--rejects",
        dir + "/rejects", "--mode", mode, "--master", "local[2]", "--engine", "jvm",
        "--max-rows-per-file", "70"));
    args.addAll(List.of(more));
    return CliRunner.run(args.toArray(new String[0]));
  }

  /** A session with Delta Lake, as a user's that reads Delta tables. */
  static SparkSession reader() {
    return LocalSpark.start("local[2]", Map.of(
        "spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension",
        "spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog"));
  }

  /** The table's history, oldest first: operation, its parameters' mode, userMetadata. */
  private static List<Row> history(SparkSession spark, String location) {
    return spark.sql("DESCRIBE HISTORY delta.`" + location + "`").orderBy("version")
        .select("version", "operation", "operationParameters", "userMetadata").collectAsList();
  }

  /** The data files Spark read for a query: its file scan's metric. */
  private static long filesRead(Dataset<Row> query) {
    return TableReaders.scanMetric(query, "numFiles");
  }

  @Test
  void everyModeIsOneVersionWithExactlyTheRowsOfAParquetRun() throws Exception {
    CliRunner.Result parquet = CliRunner.run("run", "--input", dir + "/in/w", "--configs",
        dir + "/in/configs", "--output", dir + "/parquet", "--master", "local[2]",
        "--engine", "jvm");
    assertEquals(0, parquet.exitCode(), parquet.toString());
    CliRunner.Result created = run(dir + "/in/w", "error");
    assertEquals(0, created.exitCode(), created.toString());
    assertTrue(created.out().contains(ROWS + " rows in, " + (ROWS - BAD_ROWS) + " written, "
        + BAD_ROWS + " rejected"), created.out());
    CliRunner.Result again = run(dir + "/in/w", "error");
    assertEquals(2, again.exitCode(), again.toString());
    assertTrue(again.err().contains("exists; mode append, overwrite or overwrite-partitions"),
        again.toString());

    SparkSession spark = reader();
    Map<String, String> expected;
    String oneConfig;
    try {
      expected = rows(spark.read().parquet(dir + "/parquet"));
      assertEquals(ROWS - BAD_ROWS, expected.size());
      assertEquals(expected, rows(spark.read().format("delta").load(table)));
      List<Row> history = history(spark, table);
      assertEquals(1, history.size());
      String metadata = history.get(0).getString(3);
      assertTrue(metadata.contains("\"hypernet.rows-written\":\"" + (ROWS - BAD_ROWS) + "\""),
          metadata);
      String rejects = metadata.replaceFirst(".*\"hypernet.rejects\":\"([^\"]+)\".*", "$1");
      assertEquals(BAD_ROWS, spark.read().parquet(rejects).count());
      RunReport report = RunReport.fromJson(Files.readString(local(rejects + "/_report.json")));
      assertTrue(report.accountingHolds());
      oneConfig = expected.keySet().iterator().next().split("/")[0];
      spark.read().parquet(dir + "/in/w").filter(col("config_id").equalTo(oneConfig))
          .write().parquet(dir + "/one-config");
    } finally {
      spark.stop();
    }

    assertEquals(0, run(dir + "/in/w", "append").exitCode());
    CliRunner.Result replaced = run(dir + "/one-config", "overwrite-partitions");
    assertEquals(0, replaced.exitCode(), replaced.toString());
    assertEquals(0, run(dir + "/in/w", "overwrite").exitCode());
    spark = reader();
    try {
      // Each version as time travel reads it: appended, one configuration replaced, all.
      Dataset<Row> appended = spark.read().format("delta").option("versionAsOf", 1).load(table);
      assertEquals(2L * (ROWS - BAD_ROWS), appended.count());
      Dataset<Row> replacedOne =
          spark.read().format("delta").option("versionAsOf", 2).load(table);
      long ofOne = expected.keySet().stream().filter(k -> k.startsWith(oneConfig + "/")).count();
      assertEquals(ofOne, replacedOne.filter(col("config_id").equalTo(oneConfig)).count(),
          "the replaced configuration holds this run's rows once");
      assertEquals(2 * (ROWS - BAD_ROWS - ofOne),
          replacedOne.filter(col("config_id").notEqual(oneConfig)).count(),
          "the other configurations keep both earlier runs' rows");
      Dataset<Row> rows = spark.read().format("delta").load(table);
      assertEquals(expected, rows(rows));
      List<Row> history = history(spark, table);
      assertEquals(List.of(0L, 1L, 2L, 3L), history.stream().map(r -> r.getLong(0)).toList());
      assertEquals(List.of("Append", "Append", "Overwrite", "Overwrite"), history.stream()
          .map(r -> r.<String, String>getJavaMap(2).get("mode")).toList());
      filtersReadOnlyTheirFiles(rows, oneConfig, expected);
      TableReaders.duckDbAndPyarrowRead(List.of(rows.inputFiles()), expected.size(), 4 * 6);
    } finally {
      spark.stop();
    }
  }

  /** config_id prunes by partition, id by the files' statistics; both read their rows alone. */
  private static void filtersReadOnlyTheirFiles(Dataset<Row> rows, String config,
      Map<String, String> expected) {
    long all = rows.inputFiles().length;
    assertEquals(all, filesRead(rows));
    Dataset<Row> ofConfig = rows.filter(col("config_id").equalTo(config));
    long holding = ofConfig.select(input_file_name()).distinct().count();
    assertEquals(holding, filesRead(ofConfig), "the files read are those of the configuration");
    assertTrue(holding < all, holding + " of " + all);
    assertEquals(expected.keySet().stream().filter(k -> k.startsWith(config + "/")).count(),
        ofConfig.count());

    String key = expected.keySet().stream().skip(expected.size() / 2).findFirst().orElseThrow();
    long id = Long.parseLong(key.split("/")[1]);
    Dataset<Row> ofId = rows.filter(col("id").equalTo(id));
    assertEquals(Map.of(key, expected.get(key)), rows(ofId));
    assertTrue(filesRead(ofId) < all, "id statistics skip files");
  }

  @Tag("spark-independent") // the log is written by our code, the same on every line
  @Test
  void aConflictingOrFailedWriteCommitsNothingAndLeavesNoFiles() throws Exception {
    String library = dir + "/library-W";
    SparkSession spark = reader();
    try {
      HypernetConfigs configs = HypernetConfigs.read(spark, dir + "/in/configs", Map.of());
      Dataset<Row> input = spark.read().parquet(dir + "/in/w");
      ReconcileOptions options = ReconcileOptions.defaults().withEngine(
          io.hypernet.engine.EngineKind.JVM);
      var hadoop = spark.sparkContext().hadoopConfiguration();
      DeltaTarget replace = new DeltaTarget(library, TableMode.OVERWRITE_PARTITIONS);
      DeltaTarget append = new DeltaTarget(library, TableMode.APPEND);
      try (Reconciliation result = Hypernets.reconcile(input, configs, options)) {
        TableCommit first = result.writeTable(replace, OutputCodecs.DEFAULT, 0, hadoop);
        assertEquals(0, first.commitId());
        assertEquals(ROWS - BAD_ROWS, first.rowsAdded());

        // Two runs replace the same configurations: the second to commit must not win blindly.
        try (TableWrite one = result.beginTable(replace, "one", hadoop);
            TableWrite two = result.beginTable(replace, "two", hadoop)) {
          result.writeParquet(one, OutputCodecs.DEFAULT, 0, hadoop);
          result.writeParquet(two, OutputCodecs.DEFAULT, 0, hadoop);
          assertEquals(1, one.commit(Map.of()).commitId());
          TableConflictException conflict = assertThrows(TableConflictException.class,
              () -> two.commit(Map.of()));
          assertTrue(conflict.getMessage().contains("another writer committed version 1 of "
              + "table delta.`file:" + library + "`"), conflict.getMessage());
          two.close();
          assertFalse(Files.exists(local(two.dataDirectory())),
              "the losing run's files are removed");
        }
        // Two appends: nothing but a change of layout conflicts with one, the second retries.
        try (TableWrite three = result.beginTable(append, "three", hadoop);
            TableWrite four = result.beginTable(append, "four", hadoop)) {
          result.writeParquet(three, OutputCodecs.DEFAULT, 0, hadoop);
          result.writeParquet(four, OutputCodecs.DEFAULT, 0, hadoop);
          assertEquals(2, three.commit(Map.of()).commitId());
          assertEquals(3, four.commit(Map.of()).commitId());
        }
      }
      assertEquals(3L * (ROWS - BAD_ROWS), spark.read().format("delta").load(library).count());
    } finally {
      spark.stop();
    }

    // A run stopped by its bad-row policy leaves the table and its directory as they were.
    List<String> before = entries(library);
    assertEquals(5, before.size(), "the log and the four committed runs' files: " + before);
    CliRunner.Result failed = CliRunner.run("run", "--input", dir + "/in/w", "--configs",
        dir + "/in/configs", "--output-format", "delta", "--table", library, "--rejects",
        dir + "/lib-rejects", "--mode", "append", "--on-bad-row", "fail", "--master",
        "local[2]", "--engine", "jvm");
    assertEquals(3, failed.exitCode(), failed.toString());
    assertEquals(before, entries(library), "the failed run's files are removed");
    assertEquals(before.size() - 1, entries(library + "/_delta_log").stream()
        .filter(name -> name.endsWith(".json")).count(), "no version was added");
  }

  private static List<String> entries(String directory) throws Exception {
    try (Stream<Path> entries = Files.list(Path.of(directory))) {
      return entries.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith("."))
          .sorted().toList();
    }
  }

  @Tag("spark-independent")
  @Test
  void aTableHypernetCannotWriteIsRefusedBeforeAnyRowIsComputed() throws Exception {
    StructType rows = new StructType().add("id", DataTypes.LongType)
        .add("config_id", DataTypes.StringType).add("n", DataTypes.IntegerType)
        .add("D", DataTypes.IntegerType)
        .add("W", DataTypes.createArrayType(DataTypes.FloatType));
    Configuration hadoop = new Configuration();
    Path features = Files.createDirectories(dir.resolve("features/_delta_log"));
    Files.writeString(features.resolve("00000000000000000000.json"),
        "{\"protocol\":{\"minReaderVersion\":3,\"minWriterVersion\":7}}\n");
    IllegalArgumentException newer = assertThrows(IllegalArgumentException.class,
        () -> DeltaTables.begin(new DeltaTarget(features.getParent().toString(),
            TableMode.APPEND), rows, "r", hadoop));
    assertTrue(newer.getMessage().contains("needs Delta reader version 3 and writer version 7"),
        newer.getMessage());

    Path other = Files.createDirectories(dir.resolve("other/_delta_log"));
    Files.writeString(other.resolve("00000000000000000000.json"), "{\"protocol\":{"
        + "\"minReaderVersion\":1,\"minWriterVersion\":2}}\n{\"metaData\":{\"schemaString\":"
        + "\"{\\\"type\\\":\\\"struct\\\",\\\"fields\\\":[{\\\"name\\\":\\\"x\\\",\\\"type\\\":"
        + "\\\"long\\\",\\\"nullable\\\":true,\\\"metadata\\\":{}}]}\",\"partitionColumns\":[]}}\n");
    IllegalArgumentException columns = assertThrows(IllegalArgumentException.class,
        () -> DeltaTables.begin(new DeltaTarget(other.getParent().toString(),
            TableMode.OVERWRITE), rows, "r", hadoop));
    assertTrue(columns.getMessage().contains("has columns struct<x:bigint>, not those of the "
        + "rows struct<id:bigint,config_id:string"), columns.getMessage());

    Path cleaned = Files.createDirectories(dir.resolve("cleaned/_delta_log"));
    Files.writeString(cleaned.resolve("00000000000000000012.json"), "{}\n");
    IllegalArgumentException truncated = assertThrows(IllegalArgumentException.class,
        () -> DeltaTables.begin(
            new DeltaTarget(cleaned.getParent().toString(), TableMode.APPEND), rows, "r",
            hadoop));
    assertTrue(truncated.getMessage().contains("starts at version 12"), truncated.getMessage());

    Path parquet = Files.createDirectories(dir.resolve("parquet-output"));
    Files.writeString(parquet.resolve("part-00000.parquet"), "");
    IllegalArgumentException notDelta = assertThrows(IllegalArgumentException.class,
        () -> DeltaTables.begin(new DeltaTarget(parquet.toString(), TableMode.ERROR), rows, "r",
            hadoop));
    assertTrue(notDelta.getMessage().contains("is not a Delta table (no _delta_log) and holds"),
        notDelta.getMessage());

    CliRunner.Result warehouse = CliRunner.run("run", "--input", dir + "/in/w", "--configs",
        dir + "/in/configs", "--output-format", "delta", "--table", table, "--warehouse",
        dir + "/wh", "--rejects", dir + "/never");
    assertEquals(2, warehouse.exitCode(), warehouse.toString());
    assertTrue(warehouse.err().contains("a Delta table is named by its location alone"),
        warehouse.toString());
  }
}
