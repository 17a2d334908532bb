package io.hypernet.job;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Tasks that really fail on their first attempt ({@code local[2,3]}: three attempts per task),
 * through both writers: the output holds every row once and nothing else.
 */
class RetriesTest {
  private static final int PARTITIONS = 2;

  @TempDir
  static Path dir;

  @BeforeAll
  static void generate() {
    CliRunner.Result r = CliRunner.run("generate", "--rows", "600", "--configs", "2", "--l", "8",
        "--n", "4", "--D", "8", "--hidden-dim", "16", "--bad-rows", "4", "--partitions",
        "" + PARTITIONS, "--out", dir + "/in", "--master", "local[2]");
    assertEquals(0, r.exitCode(), r.toString());
  }

  @ParameterizedTest(name = "--writer {0}")
  @ValueSource(strings = {"bulk", "spark"})
  void everyFirstAttemptFailsMidPartitionAndTheRetriesWriteEveryRowOnce(String writer)
      throws Exception {
    String output = dir + "/out-" + writer;
    TaskAttempts.reset();
    System.setProperty("spark.hypernet.test.faults", "fail-first-attempt");
    System.setProperty("spark.extraListeners", TaskAttempts.class.getName());
    CliRunner.Result r;
    try {
      // Batches of 16 rows: each attempt fails after a batch was computed (and, for bulk, written).
      r = CliRunner.run("run", "--input", dir + "/in/w", "--configs", dir + "/in/configs",
          "--output", output, "--writer", writer, "--engine", "jvm", "--batch-size", "16",
          "--master", "local[2,3]");
    } finally {
      System.clearProperty("spark.hypernet.test.faults");
      System.clearProperty("spark.extraListeners");
    }
    assertEquals(0, r.exitCode(), r.toString());
    assertEquals(PARTITIONS, TaskAttempts.injectedFailures(),
        "each partition's first attempt failed and was retried");
    PublishedOutput.assertEveryRowOnce(dir + "/in/w", output, PARTITIONS);
  }
}
