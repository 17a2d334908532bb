package io.hypernet.job;

import static io.hypernet.job.TableReaders.local;
import static io.hypernet.job.TableReaders.rows;
import static org.apache.spark.sql.functions.col;
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
import io.hypernet.table.IcebergTarget;
import io.hypernet.table.TableCommit;
import io.hypernet.table.TableConflictException;
import io.hypernet.table.TableMode;
import io.hypernet.table.TableWrite;
import io.hypernet.testing.LocalSpark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --output-format iceberg} through the CLI and the library, read back by Spark's Iceberg
 * catalog, DuckDB and the table's metadata: every mode is one snapshot holding exactly the rows
 * a Parquet run writes, filters prune files, and a conflicting or failed write commits nothing.
 */
class IcebergTableTest {
  private static final int ROWS = TableReaders.ROWS;
  private static final int BAD_ROWS = TableReaders.BAD_ROWS;
  private static final String TABLE = "hypernet.db.W";

  @TempDir
  static Path dir;
  private static String warehouse;

  @BeforeAll
  static void generate() {
    warehouse = dir + "/warehouse";
    TableReaders.generateInput(dir);
  }

  private static CliRunner.Result run(String input, String mode, String... more) {
    List<String> args = new java.util.ArrayList<>(List.of("run", "--input", input, "--configs",
        dir + "/in/configs", "--output-format", "iceberg", "--table", "db.W", "--warehouse",
        warehouse, "--rejects", dir + "/rejects", "--mode", mode, "--master", "local[2]",
        "--engine", "jvm", "--max-rows-per-file", "70"));
    args.addAll(List.of(more));
    return CliRunner.run(args.toArray(new String[0]));
  }

  /** A session whose catalog reads the table, as a user's would. */
  private static SparkSession reader() {
    return LocalSpark.start("local[2]", Map.of(
        "spark.sql.catalog.hypernet", "org.apache.iceberg.spark.SparkCatalog",
        "spark.sql.catalog.hypernet.type", "hadoop",
        "spark.sql.catalog.hypernet.warehouse", warehouse));
  }

  /**
   * The data files Iceberg planned for a query, from its scan's metrics (Iceberg's scan is not
   * a file relation, so {@code inputFiles()} does not see them).
   */
  private static long plannedFiles(Dataset<Row> query) {
    return TableReaders.scanMetric(query, "resultDataFiles");
  }

  private static long snapshots(SparkSession spark) {
    return spark.sql("SELECT * FROM " + TABLE + ".snapshots").count();
  }

  @Tag("on-3.5")
  @Test
  void everyModeIsOneSnapshotWithExactlyTheRowsOfAParquetRun() throws Exception {
    CliRunner.Result parquet = CliRunner.run("run", "--input", dir + "/in/w", "--configs",
        dir + "/in/configs", "--output", dir + "/parquet", "--master", "local[2]",
        "--engine", "jvm");
    assertEquals(0, parquet.exitCode(), parquet.toString());
    CliRunner.Result created = run(dir + "/in/w", "error");
    assertEquals(0, created.exitCode(), created.toString());
    assertTrue(created.out().matches("(?s).*report: +\\S*/rejects/local-\\S+/_report\\.json.*"),
        created.out());
    assertTrue(created.out().contains(ROWS + " rows in, " + (ROWS - BAD_ROWS) + " written, "
        + BAD_ROWS + " rejected"), created.out());

    SparkSession spark = reader();
    Map<String, String> expected;
    String oneConfig;
    try {
      expected = rows(spark.read().parquet(dir + "/parquet"));
      assertEquals(ROWS - BAD_ROWS, expected.size());
      assertEquals(expected, rows(spark.table(TABLE)));
      assertEquals(1, snapshots(spark));
      Row summary = spark.sql("SELECT summary FROM " + TABLE + ".snapshots").first();
      Map<String, String> props = summary.getJavaMap(0);
      assertEquals("" + (ROWS - BAD_ROWS), props.get("hypernet.rows-written"));
      assertEquals("" + BAD_ROWS, props.get("hypernet.rows-rejected"));
      String rejects = props.get("hypernet.rejects");
      assertTrue(rejects.contains(props.get("hypernet.run-id")), rejects);
      assertEquals(BAD_ROWS, spark.read().parquet(rejects).count());
      RunReport report = RunReport.fromJson(Files.readString(local(rejects + "/_report.json")));
      assertTrue(report.accountingHolds());
      assertEquals(TABLE, report.output());
      // Every data file holds one configuration: the table's partition.
      assertEquals(spark.sql("SELECT * FROM " + TABLE + ".files").count(), spark.sql(
          "SELECT file_path, count(DISTINCT config_id) c FROM (SELECT *, input_file_name() "
              + "file_path FROM " + TABLE + ") GROUP BY file_path HAVING c = 1").count());
      oneConfig = expected.keySet().iterator().next().split("/")[0];
      spark.read().parquet(dir + "/in/w").filter(col("config_id").equalTo(oneConfig))
          .write().parquet(dir + "/one-config");
    } finally {
      spark.stop();
    }

    CliRunner.Result again = run(dir + "/in/w", "error");
    assertEquals(2, again.exitCode(), again.toString());
    assertTrue(again.err().contains("table hypernet.db.W exists"), again.toString());

    assertEquals(0, run(dir + "/in/w", "append").exitCode());
    spark = reader();
    try {
      assertEquals(2, snapshots(spark));
      assertEquals(2L * (ROWS - BAD_ROWS), spark.table(TABLE).count());
    } finally {
      spark.stop();
    }

    CliRunner.Result replaced = run(dir + "/one-config", "overwrite-partitions");
    assertEquals(0, replaced.exitCode(), replaced.toString());
    spark = reader();
    try {
      assertEquals(3, snapshots(spark));
      Dataset<Row> table = spark.table(TABLE);
      long ofOne = expected.keySet().stream().filter(k -> k.startsWith(oneConfig + "/")).count();
      assertEquals(ofOne, table.filter(col("config_id").equalTo(oneConfig)).count(),
          "the replaced configuration holds this run's rows once");
      assertEquals(2 * (ROWS - BAD_ROWS - ofOne),
          table.filter(col("config_id").notEqual(oneConfig)).count(),
          "the other configurations keep both earlier runs' rows");
    } finally {
      spark.stop();
    }

    assertEquals(0, run(dir + "/in/w", "overwrite").exitCode());
    spark = reader();
    try {
      assertEquals(4, snapshots(spark));
      assertEquals(expected, rows(spark.table(TABLE)));
      assertEquals(List.of("append", "append", "overwrite", "overwrite"), spark.sql(
          "SELECT operation FROM " + TABLE + ".snapshots ORDER BY committed_at")
          .collectAsList().stream().map(r -> r.getString(0)).toList());
      filtersReadOnlyTheirFiles(spark, oneConfig, expected);
      TableReaders.duckDbAndPyarrowRead(spark.sql("SELECT file_path FROM " + TABLE + ".files")
          .collectAsList().stream().map(r -> r.getString(0)).toList(), expected.size(), 4 * 6);
    } finally {
      spark.stop();
    }
  }

  /** config_id prunes by partition, id by the files' bounds; both read their rows alone. */
  private static void filtersReadOnlyTheirFiles(SparkSession spark, String config,
      Map<String, String> expected) {
    long all = spark.sql("SELECT * FROM " + TABLE + ".files").count();
    assertEquals(all, plannedFiles(spark.table(TABLE)));
    Dataset<Row> ofConfig = spark.table(TABLE).filter(col("config_id").equalTo(config));
    long holding = spark.sql("SELECT * FROM " + TABLE + ".files WHERE partition.config_id = '"
        + config + "'").count();
    assertEquals(holding, plannedFiles(ofConfig),
        "the planned files are exactly those of the configuration");
    assertTrue(holding < all, holding + " of " + all);
    assertEquals(expected.keySet().stream().filter(k -> k.startsWith(config + "/")).count(),
        ofConfig.count());

    String key = expected.keySet().stream().skip(expected.size() / 2).findFirst().orElseThrow();
    long id = Long.parseLong(key.split("/")[1]);
    Dataset<Row> ofId = spark.table(TABLE).filter(col("id").equalTo(id));
    assertEquals(Map.of(key, expected.get(key)), rows(ofId));
    assertTrue(plannedFiles(ofId) < all, "id bounds prune files");
  }

  @Tag("on-3.5")
  @Test
  void aConflictingOrFailedWriteCommitsNothingAndLeavesNoFiles() throws Exception {
    String library = dir + "/library-warehouse";
    SparkSession spark = LocalSpark.start("local[2]");
    try {
      IcebergTarget target = new IcebergTarget("lib", Map.of("type", "hadoop", "warehouse",
          library), "db.W", TableMode.OVERWRITE_PARTITIONS);
      HypernetConfigs configs = HypernetConfigs.read(spark, dir + "/in/configs", Map.of());
      Dataset<Row> input = spark.read().parquet(dir + "/in/w");
      ReconcileOptions options = ReconcileOptions.defaults().withEngine(
          io.hypernet.engine.EngineKind.JVM);
      try (Reconciliation result = Hypernets.reconcile(input, configs, options)) {
        TableCommit first = result.writeTable(target, OutputCodecs.DEFAULT, 0,
            spark.sparkContext().hadoopConfiguration());
        assertEquals(ROWS - BAD_ROWS, first.rowsAdded());

        // Two runs replace the same configurations: the second to commit must not win blindly.
        var hadoop = spark.sparkContext().hadoopConfiguration();
        try (TableWrite one = result.beginTable(target, "one", hadoop);
            TableWrite two = result.beginTable(target, "two", hadoop)) {
          result.writeParquet(one, OutputCodecs.DEFAULT, 0, hadoop);
          result.writeParquet(two, OutputCodecs.DEFAULT, 0, hadoop);
          one.commit(Map.of());
          TableConflictException conflict = assertThrows(TableConflictException.class,
              () -> two.commit(Map.of()));
          assertTrue(conflict.getMessage().contains("another writer changed table lib.db.W"),
              conflict.getMessage());
          two.close();
          assertFalse(Files.exists(local(two.dataDirectory())),
              "the losing run's files are removed");
        }
      }
    } finally {
      spark.stop();
    }
    spark = LocalSpark.start("local[2]", Map.of(
        "spark.sql.catalog.lib", "org.apache.iceberg.spark.SparkCatalog",
        "spark.sql.catalog.lib.type", "hadoop", "spark.sql.catalog.lib.warehouse", library));
    try {
      assertEquals(2, spark.sql("SELECT * FROM lib.db.W.snapshots").count());
      assertEquals(ROWS - BAD_ROWS, spark.table("lib.db.W").count());
      Set<String> dirs = new TreeSet<>();
      try (Stream<Path> data = Files.list(Path.of(library, "db", "W", "data"))) {
        data.forEach(p -> dirs.add(p.getFileName().toString()));
      }
      assertEquals(2, dirs.size(), "only the committed runs' files remain: " + dirs);
    } finally {
      spark.stop();
    }

    // A run stopped by its bad-row policy leaves the table and its data directory as they were.
    CliRunner.Result failed = CliRunner.run("run", "--input", dir + "/in/w", "--configs",
        dir + "/in/configs", "--output-format", "iceberg", "--table", "db.W", "--catalog", "lib",
        "--conf", "spark.sql.catalog.lib.type=hadoop", "--conf",
        "spark.sql.catalog.lib.warehouse=" + library, "--rejects", dir + "/lib-rejects",
        "--mode", "append", "--on-bad-row", "fail", "--master", "local[2]", "--engine", "jvm");
    assertEquals(3, failed.exitCode(), failed.toString());
    try (Stream<Path> data = Files.list(Path.of(library, "db", "W", "data"))) {
      assertEquals(2, data.count(), "the failed run's files are removed");
    }
  }

  @Tag("spark-independent")
  @Test
  void optionsThatDoNotFitTheFormatAreRefusedBeforeSparkStarts() {
    CliRunner.Result append = CliRunner.run("run", "--input", dir + "/in/w", "--configs",
        dir + "/in/configs", "--output", dir + "/never", "--mode", "append");
    assertEquals(2, append.exitCode(), append.toString());
    assertTrue(append.err().contains("--mode append applies to a table"), append.toString());
    CliRunner.Result noRejects = CliRunner.run("run", "--input", dir + "/in/w", "--configs",
        dir + "/in/configs", "--output-format", "iceberg", "--table", "db.W");
    assertEquals(2, noRejects.exitCode(), noRejects.toString());
    assertTrue(noRejects.err().contains("needs --table NAMESPACE.TABLE and --rejects PATH"),
        noRejects.toString());
  }

  @Tag("on-4.2")
  @Test
  void spark42RefusesIcebergWithTheReason() {
    CliRunner.Result r = run(dir + "/in/w", "error");
    assertEquals(2, r.exitCode(), r.toString());
    assertTrue(r.err().contains("Iceberg output needs the Spark 3.5 build"), r.toString());
    assertFalse(Files.exists(Path.of(warehouse)), "nothing is written");
  }
}
