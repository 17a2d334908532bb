package io.hypernet.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.hypernet.testing.LocalSpark;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.commons.io.FileUtils;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Unusable files and schemas (exit 2, REFERENCE.md, "Exit codes"): each stops the run with one line
 * naming the path and the problem, and nothing appears at the output path.
 */
class BadFilesTest {
  @TempDir
  static Path dir;

  @BeforeAll
  static void writeFixtures() throws IOException {
    CliRunner.Result r = CliRunner.run("generate", "--rows", "3000", "--configs", "2", "--l", "16",
        "--n", "2", "--D", "3", "--partitions", "1", "--out", dir + "/good", "--master",
        "local[1]");
    assertEquals(0, r.exitCode(), r.toString());
    SparkSession spark = LocalSpark.start("local[1]");
    try {
      Dataset<Row> w = spark.read().parquet(dir + "/good/w");
      Dataset<Row> configs = spark.read().parquet(dir + "/good/configs");
      w.drop("w").write().parquet(dir + "/no-w");
      w.withColumn("w", lit("0.1,0.2")).write().parquet(dir + "/w-string");
      w.withColumn("w", col("w").cast("array<string>")).write().parquet(dir + "/w-strings");
      w.withColumn("id", col("id").cast(DataTypes.DoubleType)).write().parquet(dir + "/id-double");
      w.withColumn("config_id", col("config_id").cast("binary")).write()
          .parquet(dir + "/config-binary");
      configs.withColumn("l", col("l").cast(DataTypes.StringType)).write()
          .parquet(dir + "/l-string");
      configs.limit(0).write().parquet(dir + "/no-configs");
    } finally {
      spark.stop();
    }
    Files.createDirectories(Path.of(dir + "/empty"));
    copyWithoutChecksums("truncated");
    try (RandomAccessFile f = new RandomAccessFile(partFile("truncated").toFile(), "rw")) {
      f.setLength(f.length() / 2);
    }
    copyWithoutChecksums("corrupt");
    try (RandomAccessFile f = new RandomAccessFile(partFile("corrupt").toFile(), "rw")) {
      // Data pages start after the 4-byte magic; the footer (schema, row counts) stays intact,
      // so the damage is only found when the pages are decoded.
      for (long pos = 64; pos < f.length() / 2; pos += 97) {
        f.seek(pos);
        f.write(0xA5);
      }
    }
    Files.createDirectories(Path.of(dir + "/not-parquet"));
    Files.writeString(Path.of(dir + "/not-parquet/part-0.parquet"), "id,config_id,w\n1,a,\"[1]\"\n");
  }

  /** A copy of the good input without Hadoop's .crc side files, as other writers leave it. */
  private static void copyWithoutChecksums(String dataset) throws IOException {
    FileUtils.copyDirectory(Path.of(dir + "/good/w").toFile(), Path.of(dir + "/" + dataset).toFile(),
        f -> !f.getName().endsWith(".crc"));
  }

  private static Path partFile(String dataset) throws IOException {
    try (Stream<Path> files = Files.list(Path.of(dir + "/" + dataset))) {
      List<Path> parts = files.filter(p -> p.getFileName().toString().endsWith(".parquet"))
          .toList();
      assertEquals(1, parts.size(), parts.toString());
      return parts.get(0);
    }
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "configs path missing  | good/w       | nope         | configs path {dir}/nope does not exist",
      "input path empty      | empty        | good/configs | input path {dir}/empty holds no Parquet files",
      "w column missing      | no-w         | good/configs | input has no column 'w'",
      "w as string           | w-string     | good/configs | input column 'w' has type string",
      "w of strings          | w-strings    | good/configs | input column 'w' has type array<string>",
      "id as double          | id-double    | good/configs | input column 'id' has type double",
      "config_id as binary   | config-binary| good/configs | input column 'config_id' has type binary",
      "l as string           | good/w       | l-string     | configs {dir}/l-string: column 'l' has type string; expected int",
      "zero configurations   | good/w       | no-configs   | configs {dir}/no-configs holds no configurations",
      "truncated file        | truncated    | good/configs | input path {dir}/truncated",
      "corrupt data pages    | corrupt      | good/configs | input path {dir}/corrupt holds a corrupt or truncated Parquet file",
      "not a Parquet file    | not-parquet  | good/configs | input path {dir}/not-parquet"})
  void unusableInputExitsTwoNamingPathAndProblem(String name, String input, String configs,
      String expected) throws IOException {
    String output = dir + "/out-" + name.replace(' ', '-');
    CliRunner.Result r = CliRunner.run("run", "--input", dir + "/" + input, "--configs",
        dir + "/" + configs, "--output", output, "--engine", "jvm", "--master", "local[1]");
    assertEquals(2, r.exitCode(), r.toString());
    assertTrue(r.err().contains(expected.replace("{dir}", dir.toString())), r.err());
    assertEquals(1, r.err().strip().lines().count(), "one line: " + r.err());
    assertFalse(r.err().contains("Job aborted") || r.err().contains("awaitResult"),
        "the cause, not Spark's wrapper: " + r.err());
    assertFalse(Files.exists(Path.of(output)), "nothing written");
    try (Stream<Path> siblings = Files.list(dir)) {
      assertTrue(siblings.noneMatch(p -> p.getFileName().toString().contains(".staging-")),
          "no staging left behind");
    }
  }
}
