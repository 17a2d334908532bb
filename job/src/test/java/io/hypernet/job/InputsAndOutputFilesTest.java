package io.hypernet.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hypernet.job.report.RunReport;
import io.hypernet.testing.LocalSpark;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Inputs and outputs as users have them: several input paths and globs read as one dataset,
 * output files of at most --max-rows-per-file rows, and the last-run report beside the output
 * that says why a run failed.
 */
class InputsAndOutputFilesTest {
  @TempDir
  static Path dir;

  /** The sample's four w files spread over a/, b/ and c/x/, c/y/. */
  @BeforeAll
  static void sample() throws IOException {
    CliRunner.Result r = CliRunner.run("generate", "--rows", "400", "--configs", "2", "--l", "4",
        "--n", "2", "--D", "3", "--bad-rows", "4", "--partitions", "4", "--out", dir + "/in",
        "--master", "local[1]");
    assertEquals(0, r.exitCode(), r.toString());
    List<Path> files;
    try (Stream<Path> listing = Files.list(dir.resolve("in/w"))) {
      files = listing.filter(p -> p.getFileName().toString().endsWith(".parquet")).sorted()
          .toList();
    }
    assertEquals(4, files.size(), files.toString());
    List<String> places = List.of("a", "b", "c/x", "c/y");
    for (int i = 0; i < 4; i++) {
      Path target = Files.createDirectories(dir.resolve(places.get(i)));
      Files.copy(files.get(i), target.resolve(files.get(i).getFileName()));
    }
  }

  private static CliRunner.Result run(String output, String... extra) {
    List<String> args = new java.util.ArrayList<>(List.of("run", "--configs",
        dir + "/in/configs", "--output", output, "--master", "local[1]", "--engine", "jvm"));
    args.addAll(List.of(extra));
    return CliRunner.run(args.toArray(String[]::new));
  }

  @Test
  void twoDirectoriesAndAGlobAreOneInputCountedExactly() throws IOException {
    String output = dir + "/o-many";
    CliRunner.Result r = run(output, "--input", dir + "/a", "--input",
        dir + "/b," + dir + "/c/{x,y}");
    assertEquals(0, r.exitCode(), r.toString());
    assertTrue(r.out().contains("400 rows in, 396 written, 4 rejected"), r.out());
    RunReport report = RunReport.fromJson(Files.readString(Path.of(output, "_report.json")));
    assertEquals(List.of(dir + "/a", dir + "/b", dir + "/c/{x,y}"), report.input());
    assertTrue(report.accountingHolds());
  }

  /** The same file through two inputs would be read twice: refused before any work. */
  @Test
  void overlappingInputsAreExitTwoNamingTheFile() {
    String output = dir + "/o-overlap";
    CliRunner.Result r = run(output, "--input", dir + "/a," + dir + "/a/*.parquet");
    assertEquals(2, r.exitCode(), r.toString());
    assertTrue(r.err().contains("input paths " + dir + "/a and " + dir + "/a/*.parquet both name"),
        r.err());
    assertFalse(Files.exists(Path.of(output)));
  }

  @Test
  void aMissingInputAmongSeveralIsExitTwoNamingItAndReportedBesideTheOutput()
      throws IOException {
    String output = dir + "/o-missing";
    CliRunner.Result r = run(output, "--input", dir + "/a," + dir + "/nope," + dir + "/b");
    assertEquals(2, r.exitCode(), r.toString());
    assertTrue(r.err().contains("input path " + dir + "/nope does not exist"), r.err());
    assertFalse(Files.exists(Path.of(output)));
    JsonNode failure = lastRun("o-missing");
    assertEquals("failed", failure.get("status").asText());
    assertEquals(2, failure.get("reason").get("exit_code").asInt());
    assertTrue(failure.get("reason").get("message").asText().contains(dir + "/nope"),
        failure.toString());
  }

  /** Exit 3 leaves its reason beside the output; the next successful run replaces it. */
  @Test
  void aPolicyFailureIsReportedUntilTheNextSuccessfulRun() throws IOException {
    String output = dir + "/o-policy";
    CliRunner.Result r = run(output, "--input", dir + "/in/w", "--on-bad-row", "fail");
    assertEquals(3, r.exitCode(), r.toString());
    JsonNode failure = lastRun("o-policy");
    assertEquals("failed", failure.get("status").asText());
    assertEquals(3, failure.get("reason").get("exit_code").asInt());
    assertTrue(failure.get("reason").get("message").asText().contains("4 bad row(s)"),
        failure.toString());
    assertTrue(failure.get("application_id").asText().startsWith("local-"), failure.toString());
    assertFalse(Files.exists(Path.of(output)), "nothing is published");

    r = run(output, "--input", dir + "/in/w");
    assertEquals(0, r.exitCode(), r.toString());
    assertEquals(Files.readString(Path.of(output, "_report.json")),
        Files.readString(dir.resolve("_last_run/o-policy.report.json")));
    assertEquals("succeeded", lastRun("o-policy").get("status").asText());
  }

  /** Every file holds at most N rows, every row is written once, and Spark reads them all. */
  @ParameterizedTest
  @ValueSource(strings = {"bulk", "spark"})
  void outputFilesHoldAtMostTheRowsAsked(String writer) throws IOException {
    String output = dir + "/o-rows-" + writer;
    CliRunner.Result r = run(output, "--input", dir + "/in/w", "--writer", writer,
        "--max-rows-per-file", "30");
    assertEquals(0, r.exitCode(), r.toString());
    List<Path> files;
    try (Stream<Path> listing = Files.list(Path.of(output))) {
      files = listing.filter(p -> p.getFileName().toString().endsWith(".parquet")).toList();
    }
    long rows = 0;
    for (Path file : files) {
      long inFile = rowsIn(file);
      assertTrue(inFile <= 30, file + " holds " + inFile + " rows");
      rows += inFile;
    }
    assertEquals(396, rows);
    assertTrue(files.size() >= 396 / 30 + 1, files.size() + " files");
    RunReport report = RunReport.fromJson(Files.readString(Path.of(output, "_report.json")));
    assertEquals(396, report.rowsWritten());
    assertTrue(report.accountingHolds());
    SparkSession spark = LocalSpark.start("local[1]");
    try {
      assertEquals(396, spark.read().parquet(output).select("config_id", "id").distinct()
          .count());
    } finally {
      spark.stop();
    }
  }

  @Test
  void aNegativeMaxRowsPerFileIsAnInvalidInvocation() {
    CliRunner.Result r = run(dir + "/o-negative", "--input", dir + "/a",
        "--max-rows-per-file", "-1");
    assertEquals(2, r.exitCode(), r.toString());
    assertTrue(r.err().contains("--max-rows-per-file must be >= 0"), r.err());
  }

  private static JsonNode lastRun(String outputName) throws IOException {
    return new ObjectMapper().readTree(
        Files.readString(dir.resolve("_last_run/" + outputName + ".report.json")));
  }

  private static long rowsIn(Path file) throws IOException {
    try (ParquetFileReader reader = ParquetFileReader.open(HadoopInputFile.fromPath(
        new org.apache.hadoop.fs.Path(file.toUri()), new Configuration()))) {
      return reader.getRecordCount();
    }
  }
}
