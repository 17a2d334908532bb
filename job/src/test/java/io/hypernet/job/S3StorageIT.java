package io.hypernet.job;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hypernet.testing.LocalSpark;
import io.hypernet.testing.OutputRows;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job on an object store, as docs/storage.md ("Object stores") describes it: inputs and
 * configurations read from {@code s3a://}, output and rejects published to {@code s3a://} on a
 * real S3 API server (S3Proxy), under {@code --mode error} and {@code --mode overwrite}. The
 * published output's {@code _SUCCESS} lists exactly the files it holds, and Spark's filtered
 * reads of it give the rows of the same run on the local filesystem. A driver killed mid-publish
 * on S3 is repaired by the next run.
 */
class S3StorageIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  static Path dir;
  private static S3Server s3;
  private static Configuration hadoop;

  @BeforeAll
  static void start() throws Exception {
    s3 = S3Server.startWithSample(dir, 3000, 3);
    hadoop = s3.hadoopConfiguration();
  }

  @AfterAll
  static void stop() {
    if (s3 != null) {
      s3.close();
    }
  }

  @Test
  void publishesToS3AndReplacesTheOutputWhole() throws Exception {
    CliRunner.Result reference = CliRunner.run(run(dir + "/in", dir + "/reference",
        dir + "/reference-rejects", "error"));
    assertEquals(0, reference.exitCode(), reference.toString());

    String output = "s3a://data/W";
    String rejects = "s3a://data/W-rejects";
    CliRunner.Result first = CliRunner.run(run("s3a://data/in", output, rejects, "error"));
    assertEquals(0, first.exitCode(), first.toString());
    assertTrue(first.out().contains("3000 rows in, 2997 written, 3 rejected"), first.out());
    assertPublishedWhole(output);
    assertPublishedWhole(rejects);

    CliRunner.Result again = CliRunner.run(run("s3a://data/in", output, rejects, "error"));
    assertEquals(2, again.exitCode(), again.toString());
    assertTrue(again.err().contains(rejects + " already exists")
        || again.err().contains(output + " already exists"), again.err());

    String firstRun = manifest(output).path("run_id").asText();
    CliRunner.Result overwrite = CliRunner.run(run("s3a://data/in", output, rejects,
        "overwrite"));
    assertEquals(0, overwrite.exitCode(), overwrite.toString());
    assertPublishedWhole(output);
    assertPublishedWhole(rejects);
    String secondRun = manifest(output).path("run_id").asText();
    assertFalse(secondRun.equals(firstRun), "the second run's manifest: " + secondRun);
    assertEquals(secondRun, manifest(rejects).path("run_id").asText());

    assertNothingBesideTheTargets();
    assertSameRowsAsReference(output, rejects);
  }

  /**
   * A real driver (bin/hypernet, with S3A's jars through HYPERNET_CLASSPATH) halted in the middle
   * of moving its output into place, as after SIGKILL: the output then has no {@code _SUCCESS}
   * and its journal lies beside it; the next run completes the halted publish, then publishes its
   * own, and the output is whole. PublicationOnS3Test crashes after every step in-process.
   */
  @Test
  @Tag("spark-independent") // the same on every Spark line: runs on one,
  @Tag("on-4.2") // 4.2, with Hadoop 3.5's S3A (PublicationOnS3Test has 3.3's)
  void aDriverHaltedWhileMovingItsOutputInIsRepairedByTheNextRun() throws Exception {
    String output = "s3a://data/W-killed";
    Launcher.Outcome halted = Launcher.run(Map.of(
        "HYPERNET_JAVA_OPTS", "-Dhypernet.test.halt-at=output-file",
        "HYPERNET_CLASSPATH", s3aJars()), runOverwrite(output));
    assertEquals(137, halted.exitCode(), halted.output());
    assertTrue(halted.output().contains("halting after publish step output-file"),
        halted.output());
    FileSystem fs = new org.apache.hadoop.fs.Path(output).getFileSystem(hadoop);
    assertFalse(fs.exists(new org.apache.hadoop.fs.Path(output, "_SUCCESS")),
        "an output being moved in has no _SUCCESS");
    assertTrue(fs.exists(new org.apache.hadoop.fs.Path(output + ".publish")),
        "its journal is beside it");

    Launcher.Outcome next = Launcher.run(Map.of("HYPERNET_CLASSPATH", s3aJars()), runOverwrite(output));
    assertEquals(0, next.exitCode(), next.output());
    assertTrue(next.output().contains("was stopped while publishing"), next.output());
    assertTrue(next.output().contains("3000 rows in, 2997 written, 3 rejected"), next.output());
    assertTrue(fs.exists(new org.apache.hadoop.fs.Path(output, "_SUCCESS")));
    assertNothingBesideTheTargets();
    SparkSession spark = LocalSpark.start("local[2]");
    try {
      s3.hadoopSettings().forEach((k, v) -> spark.sparkContext().hadoopConfiguration().set(k, v));
      assertEquals(2997, spark.read().parquet(output).count());
    } finally {
      spark.stop();
    }
  }

  /**
   * An Iceberg table in a Hadoop catalog on S3: created by one run, a second run's driver
   * halted before its commit leaves the table at its first snapshot, and the next run appends
   * and removes the halted run's files.
   */
  @Test
  @Tag("on-3.5") // Iceberg has no Spark 4.2 runtime
  void aTableOnS3IsAtItsOldOrNewSnapshotAndTheNextRunCleansUp() throws Exception {
    List<String> append = new ArrayList<>(List.of("run", "--input", "s3a://data/in/w",
        "--configs", "s3a://data/in/configs", "--output-format", "iceberg", "--table", "db.W",
        "--warehouse", "s3a://data/warehouse", "--rejects", "s3a://data/table-rejects",
        "--mode", "append", "--engine", "jvm", "--master", "local[2]"));
    append.addAll(s3.confArgs());
    String[] args = append.toArray(String[]::new);
    CliRunner.Result created = CliRunner.run(args);
    assertEquals(0, created.exitCode(), created.toString());

    Launcher.Outcome halted = Launcher.run(Map.of(
        "HYPERNET_JAVA_OPTS", "-Dhypernet.test.halt-at=table-files",
        "HYPERNET_CLASSPATH", s3aJars()), args);
    assertEquals(137, halted.exitCode(), halted.output());
    org.apache.hadoop.fs.Path data = new org.apache.hadoop.fs.Path("s3a://data/warehouse/db/W/data");
    FileSystem fs = data.getFileSystem(hadoop);
    assertEquals(2, fs.listStatus(data).length, "the halted run's files are left");
    assertTable(1, 2997);

    CliRunner.Result next = CliRunner.run(args);
    assertEquals(0, next.exitCode(), next.toString());
    assertTable(2, 2 * 2997);
    assertEquals(2, fs.listStatus(data).length, "the next run removed the halted run's files");
  }

  /**
   * A Delta table on S3: created by one run, a second run's driver halted while committing (its
   * version written under a temporary name, not yet in place) leaves the table at its first
   * version, and the next run appends and removes the halted run's files.
   */
  @Test
  @Tag("spark-independent") // the Delta log is written by our code, the same on every line
  void aDeltaTableOnS3IsAtItsOldOrNewVersionAndTheNextRunCleansUp() throws Exception {
    List<String> append = new ArrayList<>(List.of("run", "--input", "s3a://data/in/w",
        "--configs", "s3a://data/in/configs", "--output-format", "delta", "--table",
        "s3a://data/delta/W", "--rejects", "s3a://data/delta-rejects", "--mode", "append",
        "--engine", "jvm", "--master", "local[2]"));
    append.addAll(s3.confArgs());
    String[] args = append.toArray(String[]::new);
    CliRunner.Result created = CliRunner.run(args);
    assertEquals(0, created.exitCode(), created.toString());

    Launcher.Outcome halted = Launcher.run(Map.of(
        "HYPERNET_JAVA_OPTS", "-Dhypernet.test.halt-at=table-log-written",
        "HYPERNET_CLASSPATH", s3aJars()), args);
    assertEquals(137, halted.exitCode(), halted.output());
    org.apache.hadoop.fs.Path table = new org.apache.hadoop.fs.Path("s3a://data/delta/W");
    FileSystem fs = table.getFileSystem(hadoop);
    assertEquals(3, fs.listStatus(table).length, "the log and both runs' files");
    assertDeltaTable(1, 2997);

    CliRunner.Result next = CliRunner.run(args);
    assertEquals(0, next.exitCode(), next.toString());
    assertDeltaTable(2, 2 * 2997);
    assertEquals(3, fs.listStatus(table).length, "the next run removed the halted run's files");
  }

  private static void assertDeltaTable(int versions, long rows) {
    Map<String, String> settings = new java.util.HashMap<>(Map.of(
        "spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension",
        "spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog"));
    s3.hadoopSettings().forEach((k, v) -> settings.put("spark.hadoop." + k, v));
    SparkSession spark = LocalSpark.start("local[2]", settings);
    try {
      assertEquals(versions, spark.sql("DESCRIBE HISTORY delta.`s3a://data/delta/W`").count());
      Dataset<Row> table = spark.read().format("delta").load("s3a://data/delta/W");
      assertEquals(rows, table.count());
      // A filtered read (pruned to one partition) sees what the whole read sees.
      Row whole = table.groupBy("config_id").count().where("config_id = 'cfg-001'").first();
      assertEquals(whole.getLong(1), table.where("config_id = 'cfg-001'").count());
    } finally {
      spark.stop();
    }
  }

  private static void assertTable(int snapshots, long rows) {
    Map<String, String> catalog = new java.util.HashMap<>(Map.of(
        "spark.sql.catalog.s3", "org.apache.iceberg.spark.SparkCatalog",
        "spark.sql.catalog.s3.type", "hadoop",
        "spark.sql.catalog.s3.warehouse", "s3a://data/warehouse"));
    s3.hadoopSettings().forEach((k, v) -> catalog.put("spark.hadoop." + k, v));
    SparkSession spark = LocalSpark.start("local[2]", catalog);
    try {
      assertEquals(snapshots, spark.sql("SELECT * FROM s3.db.W.snapshots").count());
      assertEquals(rows, spark.table("s3.db.W").count());
      // A filtered read (pruned to one partition) sees what the whole read sees.
      Row whole = spark.table("s3.db.W").groupBy("config_id").count()
          .where("config_id = 'cfg-001'").first();
      assertEquals(whole.getLong(1), spark.table("s3.db.W").where("config_id = 'cfg-001'")
          .count());
    } finally {
      spark.stop();
    }
  }

  private static String[] runOverwrite(String output) {
    List<String> args = new ArrayList<>(List.of("run", "--input", "s3a://data/in/w",
        "--configs", "s3a://data/in/configs", "--output", output, "--mode", "overwrite",
        "--engine", "jvm", "--master", "local[2]"));
    args.addAll(s3.confArgs());
    return args.toArray(String[]::new);
  }

  /** hadoop-aws and the AWS SDK it brings, from this test's classpath (test scope). */
  private static String s3aJars() {
    return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
        .filter(p -> p.contains("/org/apache/hadoop/hadoop-aws/") || p.contains("/com/amazonaws/")
            || p.contains("/software/amazon/") || p.contains("/org/wildfly/openssl/"))
        .collect(Collectors.joining(File.pathSeparator));
  }
  /** Only the targets, the input and the last-run reports are in the bucket. */
  private static void assertNothingBesideTheTargets() throws IOException {
    org.apache.hadoop.fs.Path bucket = new org.apache.hadoop.fs.Path("s3a://data/");
    for (FileStatus sibling : bucket.getFileSystem(hadoop).listStatus(bucket)) {
      String name = sibling.getPath().getName();
      assertTrue(Set.of("in", "W", "W-rejects", "W-killed", "warehouse", "table-rejects",
          "delta", "delta-rejects")
          .contains(name)
          || name.startsWith("_"), "nothing is left beside the targets: " + name);
    }
  }

  private static String[] run(String in, String output, String rejects, String mode) {
    List<String> args = new ArrayList<>(List.of("run", "--input", in + "/w", "--configs",
        in + "/configs", "--output", output, "--rejects", rejects, "--mode", mode,
        "--engine", "jvm", "--master", "local[2]"));
    args.addAll(s3.confArgs());
    return args.toArray(String[]::new);
  }

  /** The target's {@code _SUCCESS} is a manifest of exactly the files under it, sizes too. */
  private static void assertPublishedWhole(String target) throws IOException {
    org.apache.hadoop.fs.Path root = new org.apache.hadoop.fs.Path(target);
    FileSystem fs = root.getFileSystem(hadoop);
    JsonNode manifest = manifest(target);
    assertFalse(manifest.path("run_id").asText().isEmpty(), manifest.toString());
    Map<String, Long> listed = new java.util.TreeMap<>();
    long total = 0;
    for (JsonNode f : manifest.path("files")) {
      listed.put(f.path("path").asText(), f.path("bytes").asLong());
      total += f.path("bytes").asLong();
    }
    assertEquals(total, manifest.path("total_bytes").asLong());
    Map<String, Long> present = new java.util.TreeMap<>();
    RemoteIterator<LocatedFileStatus> files = fs.listFiles(root, true);
    String base = root.toUri().getPath() + "/";
    while (files.hasNext()) {
      LocatedFileStatus f = files.next();
      String relative = f.getPath().toUri().getPath().substring(base.length());
      if (!relative.equals("_SUCCESS")) {
        present.put(relative, f.getLen());
      }
    }
    assertEquals(listed, present, target + ": the manifest lists exactly what is there");
    assertTrue(listed.keySet().stream().anyMatch(p -> p.endsWith(".parquet")), listed.toString());
  }

  private static JsonNode manifest(String target) throws IOException {
    org.apache.hadoop.fs.Path marker = new org.apache.hadoop.fs.Path(target, "_SUCCESS");
    try (InputStream in = marker.getFileSystem(hadoop).open(marker)) {
      return JSON.readTree(in);
    }
  }

  /** Spark reads S3 with filters pushed down (both readers) and gets the local run's rows. */
  private static void assertSameRowsAsReference(String output, String rejects) {
    SparkSession spark = LocalSpark.start("local[2]");
    try {
      s3.hadoopSettings().forEach((k, v) -> spark.sparkContext().hadoopConfiguration().set(k, v));
      assertEquals(0, spark.read().parquet(dir + "/reference-rejects")
          .exceptAll(spark.read().parquet(rejects)).count());
      assertEquals(3, spark.read().parquet(rejects).count());
      List<Row> expected = spark.read().parquet(dir + "/reference").collectAsList();
      Map<Long, Row> expectedById = OutputRows.byId(expected);
      Row probe = expected.get(expected.size() / 2);
      for (String vectorized : List.of("true", "false")) {
        spark.conf().set("spark.sql.parquet.enableVectorizedReader", vectorized);
        List<Row> all = spark.read().parquet(output).collectAsList();
        assertEquals(expected.size(), all.size(), "vectorized " + vectorized);
        for (Row r : all) {
          Row e = expectedById.get(r.<Long>getAs("id"));
          assertArrayEquals(OutputRows.floats(e.getList(e.fieldIndex("W"))),
              OutputRows.floats(r.getList(r.fieldIndex("W"))), "id " + r.getAs("id"));
        }
        List<Row> one = spark.read().parquet(output)
            .filter("id = " + probe.getAs("id")).collectAsList();
        assertEquals(1, one.size(), "vectorized " + vectorized);
        String config = probe.getAs("config_id");
        assertEquals(expected.stream().filter(r -> config.equals(r.getAs("config_id"))).count(),
            spark.read().parquet(output).filter("config_id = '" + config + "'").count());
      }
    } finally {
      spark.stop();
    }
  }
}
