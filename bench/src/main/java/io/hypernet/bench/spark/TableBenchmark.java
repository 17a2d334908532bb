package io.hypernet.bench.spark;

import io.hypernet.job.report.RunReport;
import io.hypernet.job.run.ReconcileJob;
import io.hypernet.job.run.RunSettings;
import io.hypernet.job.sample.SampleData;
import io.hypernet.parquet.OutputCodecs;
import io.hypernet.spark.HypernetConfigs;
import io.hypernet.spark.Hypernets;
import io.hypernet.spark.ReconcileOptions;
import io.hypernet.spark.Reconciliation;
import io.hypernet.table.DeltaTarget;
import io.hypernet.table.IcebergTarget;
import io.hypernet.table.TableCommit;
import io.hypernet.table.TableMode;
import io.hypernet.table.TableTarget;
import io.hypernet.table.TableWrite;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code --suite table}: the job writing a new Parquet directory against the same job creating
 * and committing a new Iceberg table and a new Delta table, on the same rows in one JVM, taken
 * in turn {@code runs} times after one untimed run of each; then, per format, the commit alone
 * of about 1,000 files, the part of a table run that grows with its files (a footer read and a
 * manifest entry or log action each).
 */
final class TableBenchmark {
  private static final Logger LOG = LoggerFactory.getLogger(TableBenchmark.class);
  static final int COMMITTED_FILES = 1_000;

  /** One contender's wall and CPU seconds, run by run. */
  record Timings(String name, double[] wallSeconds, double[] cpuSeconds) {
    double typical() {
      return median(wallSeconds);
    }

    double best() {
      return Arrays.stream(wallSeconds).min().orElseThrow();
    }

    double typicalCpu() {
      return median(cpuSeconds);
    }
  }

  /** The commit alone: into which format, how many files, and its milliseconds. */
  record Commit(String format, int files, double millis) {
    double millisPerThousandFiles() {
      return millis * 1000 / files;
    }
  }

  private final SparkSession spark;
  private final String dir;
  private final long rows;
  private final int partitions;
  private final int runs;

  TableBenchmark(SparkSession spark, String dir, long rows, int partitions, int runs) {
    this.spark = spark;
    this.dir = dir;
    this.rows = rows;
    this.partitions = partitions;
    this.runs = runs;
  }

  /** The markdown table of the contenders and the commits. */
  String run() throws IOException {
    String input = dir + "/input";
    LOG.info("bench: generating {} w vectors (l=64, n·D=4096) into {}", rows, input);
    SampleData.write(spark, new SampleData.Spec(rows, 1, 64, 32, 128, 128, 42, 0, partitions),
        input);
    Timings parquet = new Timings("job → Parquet directory", new double[runs], new double[runs]);
    Timings iceberg = new Timings("job → new Iceberg table (--mode error)", new double[runs],
        new double[runs]);
    Timings delta = new Timings("job → new Delta table (--mode error)", new double[runs],
        new double[runs]);
    for (int run = -1; run < runs; run++) { // run -1 warms them up, untimed
      // Each run writes a new directory and new tables (--mode error): an overwrite would
      // time the deletion of the previous directory against a table that defers it.
      String output = dir + "/parquet-" + (run + 1);
      String name = "db.W" + (run + 1);
      String location = dir + "/delta-" + (run + 1);
      time(parquet, run, () -> job(input, output, null));
      time(iceberg, run, () -> job(input, null, iceberg(name, TableMode.ERROR)));
      time(delta, run, () -> job(input, null, new DeltaTarget(location, TableMode.ERROR)));
      if (run + 1 < runs) { // the last run's directory and tables stay, to be read
        removeUntimed(output, dir + "/warehouse/db/W" + (run + 1), location);
      }
    }
    return table(List.of(parquet, iceberg, delta), List.of(
        commit(input, iceberg("db.Commit", TableMode.APPEND)),
        commit(input, new DeltaTarget(dir + "/delta-commit", TableMode.APPEND))));
  }

  /** A table of the benchmark's Hadoop catalog. */
  private IcebergTarget iceberg(String name, TableMode mode) {
    return new IcebergTarget("bench", Map.of("type", "hadoop", "warehouse", dir + "/warehouse"),
        name, mode);
  }

  private void time(Timings timings, int run, Runnable job) {
    long start = System.nanoTime();
    ProcessCpu cpu = ProcessCpu.now();
    job.run();
    double wall = (System.nanoTime() - start) / 1e9;
    double cpuSeconds = ProcessCpu.now().since(cpu).totalSeconds();
    LOG.info("bench: {}{}: {} s wall, {} s CPU", timings.name(), run < 0 ? " (warm-up)" : "",
        String.format(Locale.ROOT, "%.1f", wall), String.format(Locale.ROOT, "%.1f", cpuSeconds));
    if (run >= 0) {
      timings.wallSeconds()[run] = wall;
      timings.cpuSeconds()[run] = cpuSeconds;
    }
  }

  /** Keeps the disk bounded: a run's directory and table (a Hadoop catalog's directory). */
  private void removeUntimed(String... paths) {
    try {
      for (String path : paths) {
        org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(path);
        p.getFileSystem(spark.sparkContext().hadoopConfiguration()).delete(p, true);
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private RunReport job(String input, String output, TableTarget table) {
    RunSettings settings = new RunSettings(new RunSettings.Paths(List.of(input + "/w"),
        input + "/configs", Map.of(), output, table == null ? null : dir + "/table-rejects"),
        ReconcileOptions.defaults(),
        RunSettings.Output.overwriting(RunSettings.Writer.BULK, OutputCodecs.DEFAULT),
        RunSettings.BadRows.REJECT, 0);
    return new ReconcileJob(spark, table == null ? settings : settings.intoTable(table)).run();
  }

  /** Writes the rows as about {@link #COMMITTED_FILES} files, then times their commit alone. */
  private Commit commit(String input, TableTarget target) throws IOException {
    var hadoop = spark.sparkContext().hadoopConfiguration();
    try (Reconciliation result = Hypernets.reconcile(spark.read().parquet(input + "/w"),
        HypernetConfigs.read(spark, input + "/configs", Map.of()), ReconcileOptions.defaults());
        TableWrite write = result.beginTable(target, "commit-" + System.nanoTime(), hadoop)) {
      result.writeParquet(write, OutputCodecs.DEFAULT, Math.max(1, rows / COMMITTED_FILES),
          hadoop);
      long start = System.nanoTime();
      TableCommit commit = write.commit(Map.of());
      double millis = (System.nanoTime() - start) / 1e6;
      LOG.info("bench: committed {} files to {} in {} ms", commit.filesAdded(), target.format(),
          String.format(Locale.ROOT, "%.0f", millis));
      return new Commit(target.format(), commit.filesAdded(), millis);
    }
  }

  /** The first of {@code contenders} is the baseline. */
  static String table(List<Timings> contenders, List<Commit> commits) {
    Timings parquet = contenders.get(0);
    StringBuilder out = new StringBuilder("| contender | runs | wall s typical (median) | best "
        + "| CPU s typical | × Parquet wall, typical | × Parquet wall, best |\n"
        + "|---|---:|---:|---:|---:|---:|---:|\n");
    for (Timings t : contenders) {
      out.append(String.format(Locale.ROOT, "| %s | %d | %.2f | %.2f | %.1f | %.3f | %.3f |%n",
          t.name(), t.wallSeconds().length, t.typical(), t.best(), t.typicalCpu(),
          t.typical() / parquet.typical(), t.best() / parquet.best()));
    }
    for (Commit commit : commits) {
      out.append(String.format(Locale.ROOT, "%nThe commit alone (%s): %d files in %.0f ms, %.0f "
          + "ms per 1,000 files.%n", commit.format(), commit.files(), commit.millis(),
          commit.millisPerThousandFiles()));
    }
    return out.toString();
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int middle = sorted.length / 2;
    return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  }
}
