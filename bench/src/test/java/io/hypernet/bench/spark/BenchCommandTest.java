package io.hypernet.bench.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hypernet.testing.OutputRows;
import io.hypernet.testing.Float64Reference;
import io.hypernet.testing.LocalSpark;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The benchmark runs every contender on the same rows, and they all compute the same thing. */
@Tag("spark-independent") // the same on every Spark line: runs on the default one (3.5), whose
// bench module runs beside the 4.2 job module instead of after it
class BenchCommandTest {
  @TempDir
  Path dir;

  @Test
  void everyContenderWritesEveryRowAndTheNaiveUdfComputesTheSameW() throws Exception {
    Result r = run("--rows", "300", "--n", "4", "--D", "8",
        "--partitions", "2", "--dir", dir.toString(), "--master", "local[2]", "--warm-up");
    assertEquals(0, r.exitCode(), r.toString());
    assertTrue(r.out().contains("compute+write % of raw write | CPU s user+sys"), r.out());
    assertTrue(java.nio.file.Files.notExists(dir.resolve("warm-up")), "warm-up removed");
    for (String contender : List.of("| Spark write floor", "| raw write of W's bytes",
        "| naive per-row Java UDF",
        "| hypernet job, --writer spark", "| hypernet job, --writer bulk")) {
      assertTrue(r.out().contains(contender), r.out());
    }
    SparkSession spark = LocalSpark.start("local[2]");
    try {
      for (String output : List.of("floor", "naive", "job-spark", "job-bulk")) {
        assertEquals(300, spark.read().parquet(dir + "/" + output).count(), output);
      }
      long rawBytes = 0;
      try (var files = java.nio.file.Files.list(dir.resolve("raw"))) {
        for (Path f : files.toList()) {
          rawBytes += java.nio.file.Files.size(f);
        }
      }
      assertEquals(300L * 4 * 8 * 4, rawBytes, "W's bytes, 4·n·D per row");
      Map<Long, Row> naive = OutputRows.byId(spark.read().parquet(dir + "/naive")
          .collectAsList());
      Map<Long, Row> job = OutputRows.byId(spark.read().parquet(dir + "/job-bulk")
          .collectAsList());
      for (Map.Entry<Long, Row> e : job.entrySet()) {
        float[] expected = OutputRows.floats(e.getValue().getList(4));
        float[] actual = OutputRows.floats(naive.get(e.getKey()).getList(4));
        double max = 0;
        double diff = 0;
        for (int i = 0; i < expected.length; i++) {
          max = Math.max(max, Math.abs(expected[i]));
          diff = Math.max(diff, Math.abs(expected[i] - actual[i]));
        }
        assertTrue(diff <= 2 * Float64Reference.RELATIVE_TOLERANCE * max, "id " + e.getKey());
      }
    } finally {
      spark.stop();
    }
  }

  /** Both contenders write the same rows, and the commit of one file per row is timed. */
  @Test
  void tableSuiteTimesTheJobIntoParquetAndIntoATableAndTheCommitAlone() {
    Result r = run("--suite", "table", "--rows", "200", "--runs", "1", "--partitions", "2",
        "--dir", dir.toString(), "--master", "local[2]");
    assertEquals(0, r.exitCode(), r.toString());
    assertTrue(r.out().contains("| job → Parquet directory | 1 | "), r.out());
    assertTrue(r.out().contains("| job → new Iceberg table (--mode error) | 1 | "), r.out());
    assertTrue(r.out().contains("| job → new Delta table (--mode error) | 1 | "), r.out());
    for (String format : List.of("iceberg", "delta")) {
      assertTrue(r.out().matches("(?s).*The commit alone \\(" + format + "\\): 200 files in "
          + "\\d+ ms, \\d+ ms per 1,000 files.*"), r.out());
    }
    SparkSession spark = LocalSpark.start("local[2]", Map.of(
        "spark.sql.catalog.bench", "org.apache.iceberg.spark.SparkCatalog",
        "spark.sql.catalog.bench.type", "hadoop",
        "spark.sql.catalog.bench.warehouse", dir + "/warehouse"));
    try {
      assertEquals(0, spark.read().parquet(dir + "/parquet-1").exceptAll(
          spark.table("bench.db.W1")).count(), "the table holds the directory's rows");
      assertEquals(200, spark.table("bench.db.W1").count());
      assertEquals(200, spark.table("bench.db.Commit").count());
      assertEquals(0, spark.read().parquet(dir + "/parquet-1").exceptAll(
          spark.read().parquet(dir + "/delta-1/hypernet-*")).count(),
          "the Delta table's files hold the directory's rows");
    } finally {
      spark.stop();
    }
  }

  /** Every point of the scaling suite runs the real job; the table has a line per point. */
  @Test
  void scalingSuiteRunsEveryPointAndSummarisesEachSeries() {
    Result r = run("--suite", "scaling", "--scale", "0.0005",
        "--dir", dir.toString(), "--master", "local[2]");
    assertEquals(0, r.exitCode(), r.toString());
    for (String line : List.of("| rows | 100 | 4096 | 1 |", "| rows | 400 | 4096 | 1 |",
        "| n·D | 100 | 1024 | 1 |", "| n·D | 100 | 16384 | 1 |",
        "| configurations | 100 | 4096 | 100 |", "- rows ×4: wall ×", "- n·D ×16: wall ×",
        "- configurations 1 → 100 at the same rows")) {
      assertTrue(r.out().contains(line), line + " in\n" + r.out());
    }
  }

  @Test
  void unknownSuiteIsAnInvalidInvocation() {
    Result r = run("--suite", "fastest");
    assertEquals(2, r.exitCode(), r.toString());
    assertTrue(r.err().contains("Invalid value for option '--suite'"), r.err());
    assertTrue(r.err().contains("end-to-end") && r.err().contains("'fastest'"), r.err());
  }

  /** Exit code and console output of one benchmark command line, run in-process. */
  private record Result(int exitCode, String out, String err) {
    @Override
    public String toString() {
      return "exit " + exitCode + "\nstdout:\n" + out + "\nstderr:\n" + err;
    }
  }

  private static Result run(String... args) {
    java.io.StringWriter out = new java.io.StringWriter();
    java.io.StringWriter err = new java.io.StringWriter();
    int code = BenchCommand.execute(new java.io.PrintWriter(out, true),
        new java.io.PrintWriter(err, true), args);
    return new Result(code, out.toString(), err.toString());
  }
}
