package io.hypernet.bench.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hypernet.testing.LocalSpark;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The peer suite launches the job as a user does and the pyarrow + PyTorch script where this
 * machine's Python has them (else the table says why it was left out), on the same rows.
 */
@Tag("spark-independent") // the same on every Spark line: runs on the default one (3.5)
class PeerBenchmarkTest {
  @TempDir
  Path dir;

  @Test
  void theJobAndTheScriptEachWriteEveryRowAndTheTableTimesThem() throws Exception {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = BenchCommand.execute(new PrintWriter(out, true), new PrintWriter(err, true),
        "--suite", "peer", "--rows", "400", "--runs", "1", "--dir", dir.toString(),
        "--master", "local[2]");
    String table = out.toString();
    assertEquals(0, exit, table + err);
    assertTrue(table.contains("| " + PeerBenchmark.JOB + " | 1 | "), table);
    boolean torch = pythonHasTorch();
    for (int threads : new int[] {2, 1}) {
      assertEquals(torch, table.contains("| " + PeerBenchmark.scriptName(threads) + " | 1 | "),
          table);
    }
    assertEquals(!torch, table.contains("The script was not run: python3 "), table);
    SparkSession spark = LocalSpark.start("local[2]");
    try {
      assertEquals(400, spark.read().parquet(dir + "/job/output").count());
      if (torch) {
        assertEquals(400, spark.read().parquet(dir + "/script/W.parquet")
            .where("size(W) = n * D").count());
      }
    } finally {
      spark.stop();
    }
  }

  private static boolean pythonHasTorch() throws InterruptedException {
    try {
      return new ProcessBuilder("python3", "-c", "import pyarrow, torch").start().waitFor() == 0;
    } catch (IOException noPython) {
      return false;
    }
  }
}
