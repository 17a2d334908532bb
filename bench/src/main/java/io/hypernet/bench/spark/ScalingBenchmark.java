package io.hypernet.bench.spark;

import io.hypernet.parquet.OutputCodecs;
import io.hypernet.job.report.RunReport;
import io.hypernet.job.run.RunSettings;
import io.hypernet.job.sample.SampleData;
import io.hypernet.spark.ConfigGrouping;
import io.hypernet.spark.internal.ExecutorReconcilers;
import io.hypernet.spark.ReconcileOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scaling benchmark: the job (bulk writer, engine auto) in one JVM against the number of
 * rows, the size of W and the number of configurations at the same total rows (up to 10,000
 * default-size hypernets, 21 GB of weights), plus the grouping of rows by configuration against
 * its sort or shuffle, so that the cost per row and per configuration can be read off. Each point
 * gets freshly generated input, removed after it ran.
 *
 * <p>Peak heap is read from the JVM's memory pools, reset before each point: in local mode the
 * driver and the executor are this one JVM, so it bounds both.
 */
public final class ScalingBenchmark {
  private static final Logger LOG = LoggerFactory.getLogger(ScalingBenchmark.class);
  private static final int L = 64;
  private static final int HIDDEN = 128;

  /** A series of points, each varying one thing; named on the command line by its label. */
  public enum Series {
    ROWS("rows"), OUTPUT_SIZE("n·D"), CONFIGURATIONS("configurations"), GROUPING("grouping");

    private final String label;

    Series(String label) {
      this.label = label;
    }

    @Override
    public String toString() {
      return label;
    }
  }

  /** One run: which series it belongs to and its shape. */
  public record Point(Series series, long rows, int configs, int n, int d,
      ConfigGrouping grouping) {
    int outputSize() {
      return n * d;
    }
  }

  /**
   * A point's wall time (the whole job), its phases from the report, the peak heap (all pools,
   * and the old generation: what outlived young collections) and the hypernets loaded.
   */
  public record Measurement(Point point, double seconds, RunReport report, long peakHeapBytes,
      long peakOldBytes, long loads) {
    double rowsPerSecond() {
      return point.rows() / seconds;
    }

    double phaseSeconds(String phase) {
      return report.durationsMs().getOrDefault(phase, 0L) / 1000.0;
    }
  }

  private final SparkSession spark;
  private final String dir;
  private final double scale;
  private final int partitions;
  private final List<Series> series;

  /**
   * @param scale multiplies every row count (1 = 50k/200k/800k and 100k); tests use less
   * @param series which series to run
   */
  public ScalingBenchmark(SparkSession spark, String dir, double scale, int partitions,
      List<Series> series) {
    this.spark = spark;
    this.dir = dir;
    this.scale = scale;
    this.partitions = partitions;
    this.series = series;
  }

  /**
   * Rows 50k/200k/800k; n·D 1024/4096/16384; grouping none and repartition at 100 and 1,000
   * configurations; configurations 1/100/1,000/10,000 at 100k rows (grouped by sort, the
   * default), the longest last. A point with more configurations than rows (a small --scale) is
   * left out: most of its configurations would have no row to reconcile.
   */
  public List<Point> points() {
    ConfigGrouping usual = ReconcileOptions.DEFAULT_GROUPING;
    List<Point> points = new ArrayList<>();
    for (long rows : new long[] {50_000, 200_000, 800_000}) {
      points.add(new Point(Series.ROWS, scaled(rows), 1, 32, 128, usual));
    }
    points.add(new Point(Series.OUTPUT_SIZE, scaled(100_000), 1, 32, 32, usual));
    points.add(new Point(Series.OUTPUT_SIZE, scaled(100_000), 1, 32, 128, usual));
    points.add(new Point(Series.OUTPUT_SIZE, scaled(100_000), 1, 128, 128, usual));
    // Beside the configurations series' sort. One configuration is never grouped; none at
    // 1,000 interleaved configurations is left out: it regenerates a hypernet per few rows.
    points.add(new Point(Series.GROUPING, scaled(100_000), 100, 32, 128, ConfigGrouping.NONE));
    for (int configs : new int[] {100, 1_000}) {
      points.add(new Point(Series.GROUPING, scaled(100_000), configs, 32, 128,
          ConfigGrouping.REPARTITION));
    }
    for (int configs : new int[] {1, 100, 1_000, 10_000}) {
      points.add(new Point(Series.CONFIGURATIONS, scaled(100_000), configs, 32, 128, usual));
    }
    return points.stream().filter(p -> series.contains(p.series()) && p.configs() <= p.rows())
        .toList();
  }

  private long scaled(long rows) {
    return Math.max(100, Math.round(rows * scale));
  }

  public List<Measurement> run() {
    // Warm-up, not reported: the first job of a JVM pays for class loading and the JIT.
    measure(new Point(Series.ROWS, scaled(20_000), 1, 32, 128, ReconcileOptions.DEFAULT_GROUPING),
        "warm-up");
    List<Measurement> results = new ArrayList<>();
    int i = 0;
    for (Point point : points()) {
      results.add(measure(point, "p" + i++));
    }
    return results;
  }

  private Measurement measure(Point point, String tag) {
    String input = dir + "/" + tag + "-in";
    String output = dir + "/" + tag + "-out";
    SampleData.write(spark, new SampleData.Spec(point.rows(), point.configs(), L, point.n(),
        point.d(), HIDDEN, 42, 0, partitions), input);
    EndToEndBenchmark.settle();
    // Hypernets cached by earlier points would hide this point's loads.
    ExecutorReconcilers.get().clear();
    System.gc();
    List<MemoryPoolMXBean> heap = ManagementFactory.getMemoryPoolMXBeans().stream()
        .filter(pool -> pool.getType() == MemoryType.HEAP).toList();
    heap.forEach(MemoryPoolMXBean::resetPeakUsage);
    long loadsBefore = ExecutorReconcilers.get().stats().misses();
    long start = System.nanoTime();
    RunReport report = EndToEndBenchmark.runJob(spark, input, output, RunSettings.Writer.BULK,
        OutputCodecs.DEFAULT, ReconcileOptions.defaults().withGrouping(point.grouping()));
    double seconds = (System.nanoTime() - start) / 1e9;
    long peak = heap.stream().mapToLong(pool -> pool.getPeakUsage().getUsed()).sum();
    long old = heap.stream().filter(pool -> pool.getName().contains("Old"))
        .mapToLong(pool -> pool.getPeakUsage().getUsed()).sum();
    Measurement m = new Measurement(point, seconds, report, peak, old,
        ExecutorReconcilers.get().stats().misses() - loadsBefore);
    LOG.info("bench scaling: {} in {} s, peak heap {} MiB, {} loads", point,
        String.format(Locale.ROOT, "%.1f", m.seconds()), peak >> 20, m.loads());
    try {
      EndToEndBenchmark.deleteRecursively(Path.of(input));
      EndToEndBenchmark.deleteRecursively(Path.of(output));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return m;
  }

  /** Markdown: one table of all points, then the ratios each series is about. */
  public static String table(List<Measurement> results) {
    StringBuilder out = new StringBuilder("| series | rows | n·D | configs | grouping | wall s "
        + "| rows/s | W MB/s | recipes s | reconcile+write s | hypernet loads "
        + "| peak heap MiB | peak old gen MiB |\n"
        + "|---|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (Measurement m : results) {
      Point p = m.point();
      out.append(String.format(Locale.ROOT, "| %s | %d | %d | %d | %s | %.1f | %.0f | %.0f "
              + "| %.2f | %.1f | %d | %d | %d |%n", p.series(), p.rows(), p.outputSize(),
          p.configs(), p.grouping().label(), m.seconds(), m.rowsPerSecond(),
          m.rowsPerSecond() * p.outputSize() * 4 / 1e6, m.phaseSeconds("build_broadcast"),
          m.phaseSeconds("reconcile_write"), m.loads(), m.peakHeapBytes() >> 20,
          m.peakOldBytes() >> 20));
    }
    out.append('\n');
    for (Series series : List.of(Series.ROWS, Series.OUTPUT_SIZE, Series.CONFIGURATIONS)) {
      List<Measurement> s = results.stream().filter(m -> m.point().series() == series)
          .toList();
      if (s.size() < 2) {
        continue;
      }
      Measurement first = s.get(0);
      if (series == Series.CONFIGURATIONS) {
        for (Measurement m : s.subList(1, s.size())) {
          int extra = m.point().configs() - first.point().configs();
          out.append(String.format(Locale.ROOT, "- configurations %d → %d at the same rows: "
                  + "wall ×%.2f, i.e. %.1f ms per extra configuration%n",
              first.point().configs(), m.point().configs(), m.seconds() / first.seconds(),
              1000 * (m.seconds() - first.seconds()) / extra));
        }
      } else {
        Measurement last = s.get(s.size() - 1);
        double size = series == Series.ROWS
            ? (double) last.point().rows() / first.point().rows()
            : (double) last.point().outputSize() / first.point().outputSize();
        out.append(String.format(Locale.ROOT, "- %s ×%.0f: wall ×%.2f, reconcile+write ×%.2f "
                + "(linear would be ×%.0f)%n", series, size, last.seconds() / first.seconds(),
            last.phaseSeconds("reconcile_write") / first.phaseSeconds("reconcile_write"), size));
      }
    }
    return out.toString();
  }
}
