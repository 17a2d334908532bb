package io.hypernet.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.hypernet.testing.LocalSpark;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.commons.io.FileUtils;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Two bin/hypernet drivers writing the same output at once: the first is held (test hook) just
 * after claiming the output until the second has swept and is writing, so the second's sweep
 * meets a live run's staging. Under {@code --mode error} the second exits 2 because the output
 * appeared; under {@code --mode overwrite} it publishes after the first. The output is always
 * one whole run's and nothing is left next to it.
 */
@Tag("spark-independent") // the same on every Spark line: runs on one,
@Tag("on-4.2") // 4.2, whose build has more room (see the parent POM)
class ConcurrentRunsIT {
  private static final Path DIR = SparkHome.BUILD.resolve("concurrent-runs-it");

  private static String[] runArgs(String output, String mode) {
    return new String[] {"run", "--input", DIR + "/in/w", "--configs", DIR + "/in/configs",
        "--output", DIR.resolve(output).toString(), "--mode", mode, "--engine", "jvm",
        "--master", "local[2]"};
  }

  @Test
  void twoRunsIntoOneOutputNeverMixAndALiveRunsStagingSurvives() throws Exception {
    FileUtils.deleteDirectory(DIR.toFile());
    CliRunner.Result generate = CliRunner.run("generate", "--rows", "3000", "--configs", "2",
        "--l", "16", "--n", "8", "--D", "16", "--bad-rows", "5", "--partitions", "2", "--out",
        DIR + "/in", "--master", "local[2]");
    assertEquals(0, generate.exitCode(), generate.toString());

    String[] logs = race("error");
    assertTrue(logs[0].startsWith("0"), "the first run publishes:\n" + logs[0]);
    String loser = logs[1];
    assertTrue(loser.startsWith("2") && loser.contains("output path file:" + DIR
        + "/error appeared while the job ran; nothing was published"), loser);

    logs = race("overwrite");
    assertTrue(logs[0].startsWith("0") && logs[1].startsWith("0"),
        String.join("\n----\n", logs));
    assertTrue(logs[1].contains("renaming file:" + DIR + "/overwrite to file:" + DIR
        + "/overwrite.aside-"), "the second run replaced the first's output:\n" + logs[1]);

    for (String output : List.of("error", "overwrite")) {
      try (Stream<Path> left = Files.list(DIR)) {
        assertEquals(List.of(), left.map(p -> p.getFileName().toString())
            .filter(n -> n.startsWith(output + ".") && !n.endsWith(".log")).toList(),
          "nothing left next to " + output);
      }
    }
    assertSameRows(DIR.resolve("error"), DIR.resolve("overwrite"));
  }

  /**
   * Starts a run and holds it once it has claimed the output (its staging complete); starts a
   * second run and lets the first go on once the second writes its own staging, i.e. after the
   * second's sweep met the first's live staging. Returns "exit\nlog" of each.
   */
  private static String[] race(String mode) throws Exception {
    Path firstLog = DIR.resolve(mode + "-first.log");
    Path secondLog = DIR.resolve(mode + "-second.log");
    Path resume = DIR.resolve(mode + ".resume-first");
    Process first = Launcher.start(Map.of("HYPERNET_JAVA_OPTS",
        "-Dhypernet.test.pause-at=output-journal -Dhypernet.test.resume-file=" + resume),
        firstLog, runArgs(mode, mode));
    awaitSibling(mode + ".publish", first, firstLog);
    String firstStaging = siblings(mode + ".staging-").get(0);
    Process second = Launcher.start(secondLog, runArgs(mode, mode));
    awaitSibling(mode + ".staging-", second, secondLog);
    assertTrue(siblings(mode + ".staging-").contains(firstStaging),
        "the second run's sweep left the live first run's staging alone");
    Files.createFile(resume);
    String[] logs = new String[2];
    int i = 0;
    for (Process p : List.of(first, second)) {
      if (!p.waitFor(5, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        fail("a run did not finish");
      }
      logs[i] = p.exitValue() + "\n" + Files.readString(i == 0 ? firstLog : secondLog);
      i++;
    }
    Files.delete(resume);
    return logs;
  }

  /** Waits until a sibling named {@code prefix}... other than the ones already there appears. */
  private static void awaitSibling(String prefix, Process run, Path log) throws Exception {
    int before = siblings(prefix).size();
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
    while (siblings(prefix).size() <= before) {
      if (!run.isAlive() || System.nanoTime() > deadline) {
        run.destroyForcibly();
        fail("no new " + prefix + " appeared:\n" + Files.readString(log));
      }
      Thread.sleep(20);
    }
  }

  private static List<String> siblings(String prefix) throws IOException {
    try (Stream<Path> files = Files.list(DIR)) {
      return files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(prefix))
          .toList();
    } catch (UncheckedIOException e) {
      return siblings(prefix); // a directory vanished while it was listed: look again
    }
  }

  /** Each output is one whole run's: the same rows, no duplicates from a mix. */
  private static void assertSameRows(Path expected, Path actual) {
    SparkSession spark = LocalSpark.start("local[2]");
    try {
      Dataset<Row> before = spark.read().parquet(expected.toString());
      Dataset<Row> after = spark.read().parquet(actual.toString());
      assertEquals(2995, before.count());
      assertEquals(before.count(), after.count());
      assertEquals(0, before.exceptAll(after).count());
      assertEquals(0, after.exceptAll(before).count());
    } finally {
      spark.stop();
    }
  }
}
