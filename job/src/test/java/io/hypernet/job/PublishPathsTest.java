package io.hypernet.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hypernet.job.report.RunReport;
import io.hypernet.testing.LocalSpark;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where a run may write (REFERENCE.md, "Output layout", "Exit codes"): never onto its inputs;
 * rejects inside the output.
 */
@Tag("spark-independent") // the path guard and the publish: the same on every line, run on one
class PublishPathsTest {
  @TempDir
  static Path dir;

  @BeforeAll
  static void sample() {
    CliRunner.Result r = CliRunner.run("generate", "--rows", "300", "--configs", "2", "--l", "4",
        "--n", "2", "--D", "3", "--bad-rows", "4", "--out", dir + "/in", "--master", "local[1]");
    assertEquals(0, r.exitCode(), r.toString());
  }

  private static CliRunner.Result run(String input, String output, String... extra) {
    String[] base = {"run", "--input", input, "--configs", dir + "/in/configs", "--output",
        output, "--master", "local[1]", "--engine", "jvm", "--mode", "overwrite"};
    return CliRunner.run(Stream.concat(Stream.of(base), Stream.of(extra)).toArray(String[]::new));
  }

  @Test
  void theInputAsOutputIsRefusedBeforeAnythingIsWritten() throws IOException {
    List<Path> before = listing(dir.resolve("in"));
    CliRunner.Result r = run(dir + "/in/w", dir + "/in/./w/");
    assertEquals(2, r.exitCode(), r.toString());
    assertTrue(r.err().contains("--output " + dir + "/in/./w/ is the same path (--input "
        + dir + "/in/w)"), r.err());
    assertEquals(before, listing(dir.resolve("in")), "no staging, lease or journal was created");

    r = run(dir + "/in/w", dir + "/out-a", "--rejects", dir + "/in");
    assertEquals(2, r.exitCode(), r.toString());
    assertTrue(r.err().contains("--rejects " + dir + "/in is inside or above it"), r.err());
    assertEquals(before, listing(dir.resolve("in")));
    assertTrue(Files.notExists(dir.resolve("out-a")));
  }

  @Test
  void rejectsInsideTheOutputArePublishedWithItAndSurviveAnOverwrite() throws IOException {
    String output = dir + "/o-inside";
    for (int run = 0; run < 2; run++) {
      CliRunner.Result r = run(dir + "/in/w", output, "--rejects", output + "/_bad");
      assertEquals(0, r.exitCode(), r.toString());
    }
    assertTrue(Files.exists(Path.of(output, "_bad", "_SUCCESS")));
    assertEquals("file:" + output + "/_bad",
        RunReport.fromJson(Files.readString(Path.of(output, "_report.json"))).rejects());
    SparkSession spark = LocalSpark.start("local[1]");
    try {
      assertEquals(4, spark.read().parquet(output + "/_bad").count());
      assertEquals(296, spark.read().parquet(output).count(), "the rejects are not output rows");
    } finally {
      spark.stop();
    }

    CliRunner.Result r = run(dir + "/in/w", output, "--rejects", output + "/bad");
    assertEquals(2, r.exitCode(), r.toString());
    assertTrue(r.err().contains("read as part of the output dataset"), r.err());
  }

  /** What lies in and beside root, but the last-run reports, which a failed run does write. */
  private static List<Path> listing(Path root) throws IOException {
    try (Stream<Path> files = Files.walk(root.getParent(), 1)) {
      return Stream.concat(files, Files.walk(root))
          .filter(p -> !p.toString().contains("/_last_run")).sorted().toList();
    }
  }
}
