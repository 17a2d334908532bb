package io.hypernet.job;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hypernet.job.report.RunReport;
import io.hypernet.testing.LocalSpark;
import io.hypernet.testing.OutputRows;
import io.hypernet.weights.SafetensorsWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job on real HDFS (a NameNode and two DataNodes, hadoop-client-minicluster at the line's
 * Hadoop release), through bin/hypernet in a driver JVM of its own: input, configurations and a
 * trained hypernet's safetensors file read from hdfs://, the output and a separate --rejects
 * dataset published there. {@code --mode error} refuses what exists; the result read back with
 * Spark's filter pushdown is the local filesystem's, bit for bit; a driver halted in the middle
 * of a publish on HDFS is repaired by the next run, leaving nothing beside the targets.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HdfsIT {
  private static final int L = 8;
  private static final int N = 4;
  private static final int D = 16;
  private static final int HIDDEN = 16;
  /** Rows of the generated sample (4 of them bad) and of the trained configuration. */
  private static final int ROWS = 3000;
  private static final int TRAINED_ROWS = 200;
  private static final String RESULT = (ROWS + TRAINED_ROWS) + " rows in, "
      + (ROWS + TRAINED_ROWS - 4) + " written, 4 rejected";

  @TempDir
  static Path dir;
  private static HadoopCluster cluster;
  private static FileSystem fs;
  private static String in;
  private static String out;
  private static String rejects;
  /** The first publish's report: a later overwrite must replace it. */
  private static RunReport first;

  @BeforeAll
  static void startHdfsAndWriteInputs() throws Exception {
    cluster = HadoopCluster.startHdfs(dir);
    fs = cluster.fileSystem();
    in = cluster.hdfs("/hdfs-it/in");
    out = cluster.hdfs("/hdfs-it/W");
    rejects = cluster.hdfs("/hdfs-it/rejects");
    writeInputs(dir.resolve("in"));
    fs.copyFromLocalFile(new org.apache.hadoop.fs.Path(dir.resolve("in").toUri()),
        new org.apache.hadoop.fs.Path(in));
    // The reference: the same inputs and run on the local filesystem.
    CliRunner.Result reference = CliRunner.run(runArgs(dir + "/in", dir + "/ref",
        dir + "/ref-rejects", "error"));
    assertEquals(0, reference.exitCode(), reference.toString());
    assertTrue(reference.out().contains(RESULT), reference.toString());
  }

  @AfterAll
  static void stopHdfs() {
    if (cluster != null) {
      cluster.close();
    }
  }

  private static String[] runArgs(String inputs, String output, String rejectsPath,
      String mode) {
    return new String[] {"run", "--input", inputs + "/w", "--configs", inputs + "/configs",
        "--output", output, "--rejects", rejectsPath, "--mode", mode, "--engine", "jvm",
        "--master", "local[2]"};
  }

  /**
   * The generated sample (two seeded configurations, bad rows of every kind) and a trained
   * configuration whose safetensors file lies beside the configurations, named relative to
   * them, so that one table serves both filesystems.
   */
  private static void writeInputs(Path local) throws IOException {
    CliRunner.Result generated = CliRunner.run("generate", "--rows", "" + ROWS, "--configs", "2",
        "--l", "" + L, "--n", "" + N, "--D", "" + D, "--hidden-dim", "" + HIDDEN, "--bad-rows",
        "4", "--partitions", "2", "--out", dir + "/generated", "--master", "local[2]");
    assertEquals(0, generated.exitCode(), generated.toString());
    Random random = new Random(7);
    Files.createDirectories(local);
    Files.write(local.resolve("trained.safetensors"), new SafetensorsWriter()
        .f32("0.weight", gaussian(random, HIDDEN * L), HIDDEN, L)
        .f32("0.bias", gaussian(random, HIDDEN), HIDDEN)
        .f32("2.weight", gaussian(random, N * D * HIDDEN), N * D, HIDDEN)
        .f32("2.bias", gaussian(random, N * D), N * D)
        .bytes());
    StructType configs = new StructType()
        .add("config_id", DataTypes.StringType).add("l", DataTypes.IntegerType)
        .add("n", DataTypes.IntegerType).add("D", DataTypes.IntegerType)
        .add("hidden_dim", DataTypes.IntegerType).add("seed", DataTypes.LongType)
        .add("static", DataTypes.BooleanType).add("activation", DataTypes.StringType)
        .add("init", DataTypes.StringType).add("weights", DataTypes.StringType);
    List<Row> trainedRows = new ArrayList<>();
    for (long id = ROWS; id < ROWS + TRAINED_ROWS; id++) {
      trainedRows.add(RowFactory.create(id, "trained", gaussian(random, L)));
    }
    SparkSession spark = LocalSpark.start("local[2]");
    try {
      Dataset<Row> seeded = spark.read().parquet(dir + "/generated/configs")
          .selectExpr("*", "cast(null as string) as weights");
      spark.createDataFrame(seeded.collectAsList(), configs)
          .union(spark.createDataFrame(List.of(RowFactory.create("trained", L, N, D, HIDDEN,
              null, false, "sigmoid", null, "../trained.safetensors")), configs))
          .coalesce(1).write().parquet(local + "/configs");
      Dataset<Row> w = spark.read().parquet(dir + "/generated/w");
      w.union(spark.createDataFrame(trainedRows, w.schema()).repartition(1))
          .write().parquet(local + "/w");
    } finally {
      spark.stop();
    }
  }

  private static float[] gaussian(Random random, int size) {
    float[] values = new float[size];
    for (int i = 0; i < size; i++) {
      values[i] = (float) random.nextGaussian();
    }
    return values;
  }

  @Test
  @Order(1)
  void modeErrorPublishesOnceAndThenRefusesTheExistingOutput() throws Exception {
    Launcher.Outcome published = Launcher.run(runArgs(in, out, rejects, "error"));
    assertEquals(0, published.exitCode(), published.output());
    assertTrue(published.output().contains(RESULT), published.output());
    first = report(out);
    assertTrue(first.accountingHolds(), first.toJson());
    assertEquals(List.of(in + "/w"), first.input());

    // In this JVM: the refusal comes before any work, a driver of its own would add only time.
    CliRunner.Result refused = CliRunner.run(runArgs(in, out, rejects, "error"));
    assertEquals(2, refused.exitCode(), refused.toString());
    // The rejects, published first, are checked first.
    assertTrue(refused.err().contains("hypernet: rejects path " + rejects + " already exists "
        + "(use --mode overwrite to replace it)"), refused.toString());
    assertEquals(first.toJson(), report(out).toJson(), "the refused run left the output alone");

    // One NameNode under two names: an output inside the input is still refused.
    String otherName = in.replace("hdfs://127.0.0.1:", "hdfs://localhost:");
    CliRunner.Result overlap = CliRunner.run(runArgs(in, otherName + "/w/W", out + "-rejects",
        "error"));
    assertEquals(2, overlap.exitCode(), overlap.toString());
    assertTrue(overlap.err().contains("--output " + otherName + "/w/W is inside or above it"),
        overlap.toString());
  }

  @Test
  @Order(2)
  void theOutputReadBackWithFilterPushdownIsTheLocalRunsBitForBit() {
    SparkSession spark = LocalSpark.start("local[2]");
    try {
      Dataset<Row> hdfs = spark.read().parquet(out);
      Dataset<Row> local = spark.read().parquet(dir + "/ref");
      assertSameRows(local, hdfs, "output");
      assertSameRows(spark.read().parquet(dir + "/ref-rejects"), spark.read().parquet(rejects),
          "rejects");
      for (String filter : List.of("id = 1001", "id = " + (ROWS + 17),
          "config_id = 'trained'", "config_id = 'cfg-001' AND id BETWEEN 100 AND 200")) {
        Dataset<Row> selected = hdfs.where(filter);
        String plan = selected.queryExecution().executedPlan().toString();
        assertTrue(plan.contains("PushedFilters: [") && !plan.contains("PushedFilters: []"),
            filter + " is pushed to the Parquet reader:\n" + plan);
        Map<Long, Row> expected = OutputRows.byId(local.where(filter).collectAsList());
        Map<Long, Row> actual = OutputRows.byId(selected.collectAsList());
        assertFalse(expected.isEmpty(), filter);
        assertEquals(expected.keySet(), actual.keySet(), filter);
        for (Long id : expected.keySet()) {
          assertEquals(expected.get(id).getString(1), actual.get(id).getString(1));
          assertArrayEquals(OutputRows.floats(expected.get(id).getList(4)),
              OutputRows.floats(actual.get(id).getList(4)), filter + ": W of id " + id);
        }
      }
      assertEquals(TRAINED_ROWS, hdfs.where("config_id = 'trained'").count());
    } finally {
      spark.stop();
    }
  }

  @Test
  @Order(3)
  void aDriverHaltedWhilePublishingOnHdfsIsRepairedByTheNextRun() throws Exception {
    Launcher.Outcome halted = Launcher.run(
        Map.of("HYPERNET_JAVA_OPTS", "-Dhypernet.test.halt-at=output-aside"),
        runArgs(in, out, rejects, "overwrite"));
    assertEquals(137, halted.exitCode(), halted.output());
    assertTrue(halted.output().contains("halting after publish step output-aside"),
        halted.output());
    assertFalse(fs.exists(new org.apache.hadoop.fs.Path(out)), "halted with the output aside");
    assertEquals(1, siblings("W.aside-").size(), siblings("").toString());
    assertTrue(fs.exists(new org.apache.hadoop.fs.Path(out + ".publish")), siblings("")
        .toString());

    Launcher.Outcome rerun = Launcher.run(runArgs(in, out, rejects, "overwrite"));
    assertEquals(0, rerun.exitCode(), rerun.output());
    assertTrue(rerun.output().contains("was stopped while publishing"), rerun.output());
    assertTrue(rerun.output().contains("completing its publish"), rerun.output());
    assertTrue(rerun.output().contains(RESULT), rerun.output());
    // Nothing beside the targets: no staging, aside, lease or journal of either run.
    assertEquals(List.of("W", "_last_run", "in", "rejects"), siblings(""));
    RunReport replaced = report(out);
    assertNotEquals(first.applicationId(), replaced.applicationId(), "overwrite replaced it");
    assertEquals(replaced.toJson(), read(cluster.hdfs("/hdfs-it/_last_run/W.report.json")));
    SparkSession spark = LocalSpark.start("local[2]");
    try {
      assertSameRows(spark.read().parquet(dir + "/ref"), spark.read().parquet(out), "output");
      assertSameRows(spark.read().parquet(dir + "/ref-rejects"), spark.read().parquet(rejects),
          "rejects");
    } finally {
      spark.stop();
    }
  }

  /**
   * An Iceberg table on HDFS, its driver halted right after its commit: the table is at the new
   * snapshot, each snapshot's rejects exist, and the next run keeps the halted run's files
   * (S3StorageIT halts one before its commit, whose files the next run removes).
   */
  @Test
  @Order(4)
  @Tag("on-3.5") // Iceberg has no Spark 4.2 runtime
  void anIcebergTableOnHdfsIsAtItsNewSnapshotWhenItsDriverHaltsAfterTheCommit()
      throws Exception {
    String warehouse = cluster.hdfs("/hdfs-table/warehouse");
    String[] append = {"run", "--input", in + "/w", "--configs", in + "/configs",
        "--output-format", "iceberg", "--table", "db.W", "--warehouse", warehouse, "--rejects",
        cluster.hdfs("/hdfs-table/rejects"), "--mode", "append", "--engine", "jvm", "--master",
        "local[2]"};
    long rows = ROWS + TRAINED_ROWS - 4;
    CliRunner.Result created = CliRunner.run(append);
    assertEquals(0, created.exitCode(), created.toString());

    Launcher.Outcome afterCommit = Launcher.run(
        Map.of("HYPERNET_JAVA_OPTS", "-Dhypernet.test.halt-at=table-commit"), append);
    assertEquals(137, afterCommit.exitCode(), afterCommit.output());
    assertTable(warehouse, 2, 2 * rows);

    CliRunner.Result next = CliRunner.run(append);
    assertEquals(0, next.exitCode(), next.toString());
    assertTable(warehouse, 3, 3 * rows);
    assertEquals(3, runDirectories(warehouse + "/db/W/data").size(),
        "the next run kept the committed files of the halted run");
  }

  /**
   * A Delta table on HDFS, its driver halted while committing (the version's file written, not
   * yet renamed into place) and right after: the table is at the old or the new version, each
   * version's rejects exist, and the next run removes the files of the run that never committed.
   */
  @Test
  @Order(5)
  @Tag("spark-independent") // the Delta log is written by our code, the same on every line:
  @Tag("on-4.2") // runs on 4.2, whose suite has no Iceberg halts
  void aDeltaTableOnHdfsIsAtItsOldOrNewVersionWhereverItsDriverHalts() throws Exception {
    String table = cluster.hdfs("/hdfs-delta/W");
    String[] append = {"run", "--input", in + "/w", "--configs", in + "/configs",
        "--output-format", "delta", "--table", table, "--rejects",
        cluster.hdfs("/hdfs-delta/rejects"), "--mode", "append", "--engine", "jvm", "--master",
        "local[2]"};
    long rows = ROWS + TRAINED_ROWS - 4;
    CliRunner.Result created = CliRunner.run(append);
    assertEquals(0, created.exitCode(), created.toString());

    Launcher.Outcome duringCommit = Launcher.run(
        Map.of("HYPERNET_JAVA_OPTS", "-Dhypernet.test.halt-at=table-log-written"), append);
    assertEquals(137, duringCommit.exitCode(), duringCommit.output());
    assertEquals(3, runDirectories(table).size(), "the log and both runs' files: "
        + runDirectories(table));
    assertDeltaTable(table, 1, rows);

    Launcher.Outcome afterCommit = Launcher.run(
        Map.of("HYPERNET_JAVA_OPTS", "-Dhypernet.test.halt-at=table-commit"), append);
    assertEquals(137, afterCommit.exitCode(), afterCommit.output());
    assertEquals(3, runDirectories(table).size(), "the run removed the uncommitted files of the "
        + "one halted during its commit, and nothing else: " + runDirectories(table));

    CliRunner.Result next = CliRunner.run(append);
    assertEquals(0, next.exitCode(), next.toString());
    assertDeltaTable(table, 3, 3 * rows);
    assertEquals(4, runDirectories(table).size(), "the next run kept the committed files of "
        + "the run halted after its commit: " + runDirectories(table));
  }

  private static List<String> runDirectories(String directory) throws IOException {
    FileStatus[] runs = fs.listStatus(new org.apache.hadoop.fs.Path(directory));
    return Arrays.stream(runs).map(s -> s.getPath().getName()).sorted().toList();
  }

  /** The table's snapshots and rows, and every snapshot's rejects directory. */
  private static void assertTable(String warehouse, int snapshots, long rows) throws IOException {
    SparkSession spark = LocalSpark.start("local[2]", Map.of(
        "spark.sql.catalog.h", "org.apache.iceberg.spark.SparkCatalog",
        "spark.sql.catalog.h.type", "hadoop", "spark.sql.catalog.h.warehouse", warehouse));
    try {
      List<Row> summaries = spark.sql("SELECT summary FROM h.db.W.snapshots").collectAsList();
      assertEquals(snapshots, summaries.size());
      for (Row summary : summaries) {
        String rejects = summary.<String, String>getJavaMap(0).get("hypernet.rejects");
        assertTrue(fs.exists(new org.apache.hadoop.fs.Path(rejects, "_report.json")), rejects);
      }
      assertEquals(rows, spark.table("h.db.W").count());
    } finally {
      spark.stop();
    }
  }

  /** The table's versions and rows, and every version's rejects directory. */
  private static void assertDeltaTable(String table, int versions, long rows) throws IOException {
    SparkSession spark = DeltaTableTest.reader();
    try {
      List<Row> history = spark.sql("DESCRIBE HISTORY delta.`" + table + "`")
          .select("userMetadata").collectAsList();
      assertEquals(versions, history.size());
      for (Row metadata : history) {
        String rejects = metadata.getString(0)
            .replaceFirst(".*\"hypernet.rejects\":\"([^\"]+)\".*", "$1");
        assertTrue(fs.exists(new org.apache.hadoop.fs.Path(rejects, "_report.json")), rejects);
      }
      assertEquals(rows, spark.read().format("delta").load(table).count());
    } finally {
      spark.stop();
    }
  }

  /** The same rows, W included, bit for bit. */
  private static void assertSameRows(Dataset<Row> expected, Dataset<Row> actual, String what) {
    assertEquals(expected.count(), actual.count(), what);
    assertEquals(0, expected.exceptAll(actual).count(), "rows missing in the HDFS " + what);
    assertEquals(0, actual.exceptAll(expected).count(), "rows only in the HDFS " + what);
  }

  /** Names in the test's HDFS directory that start with {@code prefix}, sorted. */
  private static List<String> siblings(String prefix) throws IOException {
    FileStatus[] all = fs.listStatus(new org.apache.hadoop.fs.Path(cluster.hdfs("/hdfs-it")));
    return Arrays.stream(all).map(s -> s.getPath().getName()).filter(n -> n.startsWith(prefix))
        .sorted().toList();
  }

  private static RunReport report(String output) throws IOException {
    return RunReport.fromJson(read(output + "/_report.json"));
  }

  private static String read(String path) throws IOException {
    try (var stream = fs.open(new org.apache.hadoop.fs.Path(path))) {
      return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
