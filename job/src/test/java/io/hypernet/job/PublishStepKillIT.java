package io.hypernet.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hypernet.testing.LocalSpark;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.commons.io.FileUtils;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Atomic publish (REFERENCE.md, "Output layout") against a real halt of the driver (bin/hypernet,
 * exit 137, as after SIGKILL) between publish steps, with a separate --rejects dataset. Each rerun
 * first completes the halted publish and is itself halted at a later step: first the rejects
 * published but not the output (no previous output), the previous output set aside but the new one
 * not in, and everything in but the journals not removed; then every other step of the publish.
 * Every snapshot must hold exactly a whole dataset's rows. PublicationTest also crashes in-process
 * after every publish and repair step, with and without a previous output.
 */
@Tag("spark-independent") // the same on every Spark line: runs on the default one
class PublishStepKillIT {
  private static final Path DIR = SparkHome.BUILD.resolve("publish-step-kill-it");
  private static final Path OUT = DIR.resolve("out");
  private static final Path REJECTS = DIR.resolve("rejects");

  private static String[] runArgs(Path output, Path rejects) {
    return new String[] {"run", "--input", DIR + "/in/w", "--configs", DIR + "/in/configs",
        "--output", output.toString(), "--rejects", rejects.toString(), "--mode", "overwrite",
        "--engine", "jvm", "--master", "local[2]"};
  }

  @Test
  void aDriverHaltedAtPublishStepsLeavesWholeDatasetsAndTheRerunCompletesThePublish()
      throws Exception {
    FileUtils.deleteDirectory(DIR.toFile());
    CliRunner.Result generate = CliRunner.run("generate", "--rows", "3000", "--configs", "2",
        "--l", "16", "--n", "8", "--D", "16", "--bad-rows", "5", "--partitions", "2", "--out",
        DIR + "/in", "--master", "local[2]");
    assertEquals(0, generate.exitCode(), generate.toString());
    CliRunner.Result reference = CliRunner.run(runArgs(DIR.resolve("reference"),
        DIR.resolve("reference-rejects")));
    assertEquals(0, reference.exitCode(), reference.toString());
    Map<String, Path> snapshots = new LinkedHashMap<>();

    Launcher.Outcome halted = haltAt("rejects-in");
    assertFalse(Files.exists(OUT), "the output is not published before the rejects are");
    assertTrue(Files.exists(DIR.resolve("out.publish")), halted.output());
    snapshots.put("rejects published alone", snapshot("1-rejects", REJECTS));

    halted = haltAt("output-aside");
    assertRepaired(halted);
    assertFalse(Files.exists(OUT), "halted between setting the output aside and renaming in");
    List<Path> asides = siblings("out.aside-");
    assertEquals(1, asides.size(), asides.toString());
    snapshots.put("previous output set aside", snapshot("2-aside", asides.get(0)));
    snapshots.put("rejects of the halted run", snapshot("2-rejects", REJECTS));

    halted = haltAt("cleanup");
    assertRepaired(halted);
    snapshots.put("output of the run halted in cleanup", snapshot("3-out", OUT));

    // Two more steps halted for real: a claim half made, and the output renamed in with the
    // journals still there (output-in last: the final rerun then has a publish to complete).
    // Each target is then whole (old or new) or absent with its journal beside it; every other
    // step is crashed in-process by PublicationTest, on the local disk and on S3.
    int halts = 0;
    for (String step : List.of("rejects-journal", "output-in")) {
      halted = haltAt(step);
      halts++;
      for (Path target : List.of(OUT, REJECTS)) {
        String role = target.equals(REJECTS) ? "rejects" : "output";
        String name = target.getFileName().toString();
        if (Files.exists(target)) {
          snapshots.put(role + " after halt " + halts,
              snapshot("halt" + halts + "-" + name, target));
        } else {
          assertTrue(Files.exists(DIR.resolve(name + ".publish")), step + ": " + name
              + " is absent without its journal:\n" + halted.output());
        }
      }
    }

    Launcher.Outcome rerun = Launcher.run(runArgs(OUT, REJECTS));
    assertEquals(0, rerun.exitCode(), rerun.output());
    assertRepaired(rerun);
    snapshots.put("final output", OUT);
    snapshots.put("final rejects", REJECTS);
    try (Stream<Path> left = Files.list(DIR)) {
      assertEquals(List.of("in", "out", "reference", "reference-rejects", "rejects", "snap"),
          left.map(p -> p.getFileName().toString())
              .filter(n -> !n.startsWith(".") && !n.startsWith("_")) // hidden: last-run reports
              .filter(n -> !n.endsWith(".log")).sorted().toList(),
          "no staging, aside, lease or journal is left");
    }
    assertTrue(Files.exists(OUT.resolve("_report.json")));
    assertSameRows(snapshots);
  }

  private static Launcher.Outcome haltAt(String step) throws Exception {
    Launcher.Outcome halted = Launcher.run(
        Map.of("HYPERNET_JAVA_OPTS", "-Dhypernet.test.halt-at=" + step), runArgs(OUT, REJECTS));
    assertEquals(137, halted.exitCode(), halted.output());
    assertTrue(halted.output().contains("halting after publish step " + step), halted.output());
    return halted;
  }

  private static void assertRepaired(Launcher.Outcome run) {
    assertTrue(run.output().contains("was stopped while publishing"), run.output());
    assertTrue(run.output().contains("completing its publish"), run.output());
  }

  private static List<Path> siblings(String prefix) throws IOException {
    try (Stream<Path> files = Files.list(DIR)) {
      return files.filter(p -> p.getFileName().toString().startsWith(prefix)).toList();
    }
  }

  private static Path snapshot(String name, Path dataset) throws IOException {
    Path copy = DIR.resolve("snap").resolve(name);
    FileUtils.copyDirectory(dataset.toFile(), copy.toFile());
    return copy;
  }

  /** Every snapshot is a whole output or rejects dataset: the reference's rows, no more. */
  private static void assertSameRows(Map<String, Path> snapshots) {
    SparkSession spark = LocalSpark.start("local[2]");
    try {
      Dataset<Row> output = spark.read().parquet(DIR + "/reference");
      Dataset<Row> rejects = spark.read().parquet(DIR + "/reference-rejects");
      for (Map.Entry<String, Path> s : snapshots.entrySet()) {
        Dataset<Row> expected = s.getKey().contains("rejects") ? rejects : output;
        Dataset<Row> actual = spark.read().parquet(s.getValue().toString());
        assertEquals(expected.count(), actual.count(), s.getKey());
        assertEquals(0, expected.exceptAll(actual).count(), "rows missing in " + s.getKey());
        assertEquals(0, actual.exceptAll(expected).count(), "rows only in " + s.getKey());
      }
    } finally {
      spark.stop();
    }
  }
}
