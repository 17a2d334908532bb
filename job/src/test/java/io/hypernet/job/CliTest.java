package io.hypernet.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hypernet.job.report.RunReport;
import io.hypernet.testing.LocalSpark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The command line's contract: help, exit codes 0/2/3, and messages that name the culprit. */
class CliTest {
  @TempDir
  static Path dir;

  @BeforeAll
  static void sample() {
    CliRunner.Result r = CliRunner.run("generate", "--rows", "400", "--configs", "2", "--l", "4",
        "--n", "2", "--D", "3", "--bad-rows", "4", "--out", dir + "/in", "--master", "local[1]");
    assertEquals(0, r.exitCode(), r.toString());
  }

  private static CliRunner.Result run(String output, String... extra) {
    String[] base = {"run", "--input", dir + "/in/w", "--configs", dir + "/in/configs",
        "--output", output, "--master", "local[1]", "--engine", "jvm"};
    String[] args = new String[base.length + extra.length];
    System.arraycopy(base, 0, args, 0, base.length);
    System.arraycopy(extra, 0, args, base.length, extra.length);
    return CliRunner.run(args);
  }

  @ParameterizedTest
  @ValueSource(strings = {"run", "generate", "demo"})
  void everySubcommandHasHelp(String command) {
    CliRunner.Result r = CliRunner.run(command, "--help");
    assertEquals(0, r.exitCode(), r.toString());
    assertTrue(r.out().contains("Usage: hypernet " + command), r.out());
  }

  @Test
  void topLevelUsageListsTheSubcommands() {
    CliRunner.Result r = CliRunner.run("--help");
    assertEquals(0, r.exitCode());
    for (String command : List.of("run", "generate", "demo")) {
      assertTrue(r.out().contains(command), r.out());
    }
  }

  @Test
  void unknownFlagIsAnInvalidInvocation() {
    CliRunner.Result r = CliRunner.run("run", "--input", "i", "--configs", "c", "--output", "o",
        "--bogus", "x");
    assertEquals(2, r.exitCode(), r.toString());
    assertTrue(r.err().contains("--bogus"), r.err());
  }

  /** --conf reaches the SparkSession: the report records the master it set. */
  @Test
  void confSettingsReachTheSparkSession() throws Exception {
    CliRunner.Result r = CliRunner.run("run", "--input", dir + "/in/w", "--configs",
        dir + "/in/configs", "--output", dir + "/o-conf", "--engine", "jvm", "--conf",
        "spark.master=local[1]", "--conf", "spark.hypernet.note=a=b");
    assertEquals(0, r.exitCode(), r.toString());
    assertEquals("local[1]", RunReport.fromJson(Files.readString(Path.of(dir + "/o-conf",
        "_report.json"))).master());
  }

  /** A glob input: its schema and row count come from the footers of the files it matches. */
  @Test
  void aGlobInputIsReadAndCountedFromItsFiles() throws Exception {
    CliRunner.Result r = CliRunner.run("run", "--input", dir + "/in/w/part-*.parquet",
        "--configs", dir + "/in/configs", "--output", dir + "/o-glob", "--master", "local[1]",
        "--engine", "jvm");
    assertEquals(0, r.exitCode(), r.toString());
    assertTrue(r.out().contains("400 rows in, 396 written, 4 rejected"), r.out());
  }

  @ParameterizedTest
  @ValueSource(strings = {"spark.executor.memory", "=4g"})
  void aMalformedConfPairIsAnInvalidInvocation(String pair) {
    CliRunner.Result r = run(dir + "/o-bad-conf", "--conf", pair);
    assertEquals(2, r.exitCode(), r.toString());
    String firstLine = r.err().lines().findFirst().orElse("");
    assertTrue(firstLine.startsWith("hypernet: ") && firstLine.contains("KEY=VALUE")
        && firstLine.contains(pair), r.err());
    assertFalse(Files.exists(Path.of(dir + "/o-bad-conf")));
  }

  @Test
  void missingInputExitsTwoNamingThePath() {
    CliRunner.Result r = CliRunner.run("run", "--input", dir + "/nope", "--configs",
        dir + "/in/configs", "--output", dir + "/o-missing", "--master", "local[1]");
    assertEquals(2, r.exitCode(), r.toString());
    assertTrue(r.err().contains(dir + "/nope") && r.err().contains("does not exist"), r.err());
    assertFalse(Files.exists(Path.of(dir + "/o-missing")));
  }

  @Test
  void configsWithoutARequiredColumnExitTwoNamingIt() {
    SparkSession spark = LocalSpark.start("local[1]");
    try {
      StructType schema = new StructType().add("config_id", DataTypes.StringType)
          .add("n", DataTypes.IntegerType).add("D", DataTypes.IntegerType);
      spark.createDataFrame(List.of(RowFactory.create("cfg-000", 2, 3)), schema)
          .write().parquet(dir + "/configs-no-l");
    } finally {
      spark.stop();
    }
    CliRunner.Result r = CliRunner.run("run", "--input", dir + "/in/w", "--configs",
        dir + "/configs-no-l", "--output", dir + "/o-nol", "--master", "local[1]");
    assertEquals(2, r.exitCode(), r.toString());
    assertTrue(r.err().contains("required column 'l' is missing"), r.err());
  }

  /** Configuration columns named otherwise are mapped with --configs-column, as input's are. */
  @Test
  void configurationColumnsAreMappedByName() {
    SparkSession spark = LocalSpark.start("local[1]");
    try {
      spark.read().parquet(dir + "/in/configs").withColumnRenamed("config_id", "cfg")
          .withColumnRenamed("l", "length").write().parquet(dir + "/configs-renamed");
    } finally {
      spark.stop();
    }
    CliRunner.Result r = CliRunner.run("run", "--input", dir + "/in/w", "--configs",
        dir + "/configs-renamed", "--output", dir + "/o-mapped", "--master", "local[1]",
        "--engine", "jvm", "--configs-column", "config_id=cfg", "--configs-column", "l=length");
    assertEquals(0, r.exitCode(), r.toString());
    assertTrue(r.out().contains("400 rows in, 396 written, 4 rejected"), r.out());
    r = CliRunner.run("run", "--input", dir + "/in/w", "--configs", dir + "/configs-renamed",
        "--output", dir + "/o-unmapped", "--master", "local[1]");
    assertEquals(2, r.exitCode(), r.toString());
    assertTrue(r.err().contains("required column 'config_id' is missing"), r.err());
  }

  @Test
  void existingOutputIsAnErrorUnlessOverwriteIsAsked() throws Exception {
    String output = dir + "/o-exists";
    Files.createDirectories(Path.of(output));
    Files.writeString(Path.of(output, "keep.txt"), "previous");
    CliRunner.Result r = run(output);
    assertEquals(2, r.exitCode(), r.toString());
    assertTrue(r.err().contains("already exists"), r.err());
    assertTrue(Files.exists(Path.of(output, "keep.txt")), "the existing output is untouched");

    r = run(output, "--mode", "overwrite");
    assertEquals(0, r.exitCode(), r.toString());
    assertFalse(Files.exists(Path.of(output, "keep.txt")));
    assertTrue(Files.exists(Path.of(output, "_report.json")));
  }

  @Test
  void badRowsUnderFailPolicyExitThreeAndPublishNothing() throws Exception {
    String output = dir + "/o-fail";
    CliRunner.Result r = run(output, "--on-bad-row", "fail");
    assertEquals(3, r.exitCode(), r.toString());
    assertTrue(r.err().contains("4 bad row(s)"), r.err());
    assertFalse(Files.exists(Path.of(output)), "nothing is published");
    try (var siblings = Files.list(dir)) {
      assertTrue(siblings.noneMatch(p -> p.getFileName().toString().contains("staging")),
          "the staging directory is removed");
    }
  }

  @Test
  void rejectFractionAboveTheLimitExitsThree() {
    String output = dir + "/o-fraction";
    CliRunner.Result r = run(output, "--max-reject-fraction", "0.001");
    assertEquals(3, r.exitCode(), r.toString());
    assertTrue(r.err().contains("exceeds --max-reject-fraction 0.001"), r.err());
    assertFalse(Files.exists(Path.of(output)));

    r = run(output, "--max-reject-fraction", "0.5");
    assertEquals(0, r.exitCode(), r.toString());
  }

  @Test
  void keysAndWGetTheirOwnCodecsInEveryRowGroup() throws Exception {
    String output = dir + "/o-codecs";
    CliRunner.Result r = run(output, "--compression", "zstd", "--w-compression", "gzip");
    assertEquals(0, r.exitCode(), r.toString());
    assertTrue(r.out().contains("writer bulk/zstd, W gzip"), r.out());
    List<Path> files;
    try (var listing = Files.list(Path.of(output))) {
      files = listing.filter(p -> p.getFileName().toString().endsWith(".zstd.parquet")).toList();
    }
    assertFalse(files.isEmpty(), "files named by --compression in " + output);
    for (Path file : files) {
      try (ParquetFileReader reader = ParquetFileReader.open(HadoopInputFile.fromPath(
          new org.apache.hadoop.fs.Path(file.toUri()), new Configuration()))) {
        for (BlockMetaData group : reader.getFooter().getBlocks()) {
          for (ColumnChunkMetaData chunk : group.getColumns()) {
            assertEquals(chunk.getPath().toDotString().startsWith("W.")
                ? CompressionCodecName.GZIP : CompressionCodecName.ZSTD, chunk.getCodec(),
                file + " " + chunk.getPath());
          }
        }
      }
    }
  }

  /** Enum options take any case; a value they do not know is exit 2 naming it. */
  @Test
  void wCompressionIsForTheBulkWriterOnly() {
    CliRunner.Result r = run(dir + "/o-spark-w", "--writer", "SPARK", "--w-compression", "Zstd",
        "--group-by-config", "REPARTITION", "--on-bad-row", "Fail", "--mode", "OVERWRITE");
    assertEquals(2, r.exitCode(), r.toString());
    assertTrue(r.err().contains("--w-compression applies to --writer bulk only"), r.err());
    r = run(dir + "/o-bad-w", "--w-compression", "lz4");
    assertEquals(2, r.exitCode(), r.toString());
    assertTrue(r.err().contains("Invalid value for option '--w-compression': expected one of "
        + "[SNAPPY, ZSTD, GZIP, NONE] (case-insensitive) but was 'lz4'"), r.err());
  }

  @Test
  void separateRejectsPathIsPublishedToo() {
    CliRunner.Result r = run(dir + "/o-sep", "--rejects", dir + "/o-sep-rejects");
    assertEquals(0, r.exitCode(), r.toString());
    assertTrue(Files.exists(Path.of(dir + "/o-sep-rejects", "_SUCCESS")));
    assertFalse(Files.exists(Path.of(dir + "/o-sep", "_rejects")));
  }

  /** The pass sees no bad row, so the rejects are written without reading the input again. */
  @Test
  void cleanInputGetsAnEmptyRejectsDatasetWithTheRejectsSchema() throws Exception {
    CliRunner.Result r = CliRunner.run("generate", "--rows", "300", "--configs", "2", "--l", "4",
        "--n", "2", "--D", "3", "--out", dir + "/clean", "--master", "local[1]");
    assertEquals(0, r.exitCode(), r.toString());
    r = CliRunner.run("run", "--input", dir + "/clean/w", "--configs", dir + "/clean/configs",
        "--output", dir + "/o-clean", "--master", "local[2]", "--engine", "jvm");
    assertEquals(0, r.exitCode(), r.toString());
    assertTrue(r.out().contains("300 rows in, 300 written, 0 rejected"), r.out());
    SparkSession spark = LocalSpark.start("local[1]");
    try {
      var rejects = spark.read().parquet(dir + "/o-clean/_rejects/*.parquet");
      assertEquals(List.of("id", "config_id", "w", "reason", "reason_detail"),
          List.of(rejects.columns()));
      assertEquals(spark.read().parquet(dir + "/clean/w").schema().apply("w"),
          rejects.schema().apply("w"));
      assertEquals(0, rejects.count());
    } finally {
      spark.stop();
    }
  }
}
