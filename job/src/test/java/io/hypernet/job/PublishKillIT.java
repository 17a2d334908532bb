package io.hypernet.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.hypernet.testing.LocalSpark;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.commons.io.FileUtils;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Atomic publish (REFERENCE.md, "Output layout") against a real kill: the driver JVM started by
 * bin/hypernet is destroyed (SIGKILL) while its overwrite's tasks write. The output path must
 * then hold the previous complete output, never a part; the rerun must publish the same rows and
 * values. The killed run holds partition 0 after its first batch (a test fault), so the kill
 * lands mid-write on any machine without a large input to make the write last.
 */
@Tag("spark-independent") // the same on every Spark line: runs on the default one
class PublishKillIT {
  private static final Path DIR = SparkHome.BUILD.resolve("publish-kill-it");
  private static final Path OUT = DIR.resolve("out");

  private static final String[] RUN = {"run", "--input", DIR + "/in/w", "--configs",
      DIR + "/in/configs", "--output", OUT.toString(), "--mode", "overwrite", "--engine", "jvm",
      "--batch-size", "64", "--master", "local[2]"};
  /** Partition 0's first attempt stops after its first batch until the kill. */
  private static final String[] HELD = {"--conf",
      "spark.hypernet.test.faults=slow-partition=0:600000"};

  @Test
  void aKilledDriverNeverLeavesAPartialOutputAndTheRerunMatches() throws Exception {
    FileUtils.deleteDirectory(DIR.toFile());
    CliRunner.Result generate = CliRunner.run("generate", "--rows", "3000", "--configs", "2",
        "--l", "16", "--n", "8", "--D", "16", "--bad-rows", "5", "--partitions", "4", "--out",
        DIR + "/in", "--master", "local[2]");
    assertEquals(0, generate.exitCode(), generate.toString());

    // A first run killed while writing is PublishStepKillIT's: here a killed overwrite.
    Launcher.Outcome complete = Launcher.run(RUN);
    assertEquals(0, complete.exitCode(), complete.output());
    Map<String, Long> published = listing(OUT);
    FileUtils.copyDirectory(OUT.toFile(), DIR.resolve("first").toFile());

    killWhileWriting();
    assertEquals(published, listing(OUT), "a killed overwrite leaves the previous output whole");

    Launcher.Outcome rerun = Launcher.run(RUN);
    assertEquals(0, rerun.exitCode(), rerun.output());
    assertTrue(rerun.output().contains("left by an earlier run that did not finish"),
        rerun.output());
    try (Stream<Path> siblings = Files.list(DIR)) {
      assertTrue(siblings.noneMatch(p -> p.getFileName().toString().contains(".staging-")),
          "the rerun removed the abandoned staging directories");
    }
    assertSameRowsAndValues(DIR.resolve("first"), OUT);
  }

  /** Starts a run, waits until its tasks have opened output files, then kills the JVM. */
  private static void killWhileWriting() throws Exception {
    Path log = Files.createTempFile(DIR, "killed-run", ".log");
    String[] held = Stream.concat(Stream.of(RUN), Stream.of(HELD)).toArray(String[]::new);
    Process driver = Launcher.start(log, held);
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
    while (!stagedPartFileExists()) {
      if (!driver.isAlive()) {
        fail("the run ended before it could be killed:\n" + Files.readString(log));
      }
      if (System.nanoTime() > deadline) {
        driver.destroyForcibly();
        fail("no staged part file appeared within 3 minutes:\n" + Files.readString(log));
      }
      Thread.sleep(20);
    }
    Thread.sleep(300);
    assertTrue(driver.isAlive(), "still writing when killed:\n" + Files.readString(log));
    driver.destroyForcibly().waitFor();
    assertTrue(stagingDirectories() > 0, "the kill left its staging directory behind");
  }

  private static boolean stagedPartFileExists() throws IOException {
    try (Stream<Path> files = Files.walk(DIR)) {
      return files.anyMatch(p -> p.toString().contains("out.staging-")
          && p.getFileName().toString().startsWith("part-"));
    } catch (UncheckedIOException e) {
      return false; // a directory vanished while it was listed: look again
    }
  }

  private static long stagingDirectories() throws IOException {
    try (Stream<Path> siblings = Files.list(DIR)) {
      return siblings.filter(p -> p.getFileName().toString().startsWith("out.staging-")).count();
    }
  }

  /** Relative path → size of every file under {@code root}. */
  private static Map<String, Long> listing(Path root) throws IOException {
    try (Stream<Path> files = Files.walk(root)) {
      return files.filter(Files::isRegularFile).collect(Collectors.toMap(
          p -> root.relativize(p).toString(), p -> p.toFile().length(), (a, b) -> a,
          TreeMap::new));
    }
  }

  /** Same multiset of rows, compared by Spark itself. */
  private static void assertSameRowsAndValues(Path expected, Path actual) {
    SparkSession spark = LocalSpark.start("local[2]");
    try {
      for (String dataset : List.of("", "/_rejects/*.parquet")) {
        Dataset<Row> before = spark.read().parquet(expected + dataset);
        Dataset<Row> after = spark.read().parquet(actual + dataset);
        assertEquals(before.count(), after.count(), dataset);
        assertEquals(0, before.exceptAll(after).count(), "rows only in the first run " + dataset);
        assertEquals(0, after.exceptAll(before).count(), "rows only in the rerun " + dataset);
      }
    } finally {
      spark.stop();
    }
  }
}
