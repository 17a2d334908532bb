package io.hypernet.job.bench;

import io.hypernet.io.OutputCodecs;
import io.hypernet.job.RunSettings;
import io.hypernet.job.report.RunReport;
import io.hypernet.job.sample.SampleData;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Issue 5's scaling benchmark: the job (bulk writer, engine auto) in one JVM against the number
 * of rows, the size of W and the number of configurations with the same total rows, so that the
 * cost per row and the per-configuration overhead (build, broadcast, engine warm-up, smaller
 * batches) can be read off. Each point gets freshly generated input, removed after it ran.
 */
public final class ScalingBenchmark {
  private static final Logger LOG = LoggerFactory.getLogger(ScalingBenchmark.class);
  private static final int L = 64;
  private static final int HIDDEN = 128;

  /** One run: which series it belongs to and its shape. */
  public record Point(String series, long rows, int configs, int n, int d) {
    int outputSize() {
      return n * d;
    }
  }

  /** A point's wall time (the whole job) and its phases from the report. */
  public record Measurement(Point point, double seconds, RunReport report) {
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

  /**
   * @param scale multiplies every row count (1 = the 50k/200k/800k); tests use less
   */
  public ScalingBenchmark(SparkSession spark, String dir, double scale, int partitions) {
    this.spark = spark;
    this.dir = dir;
    this.scale = scale;
    this.partitions = partitions;
  }

  /** The points: rows 50k/200k/800k, n·D 1024/4096/16384, configurations 1/10/100. */
  public List<Point> points() {
    List<Point> points = new ArrayList<>();
    for (long rows : new long[] {50_000, 200_000, 800_000}) {
      points.add(new Point("rows", scaled(rows), 1, 32, 128));
    }
    points.add(new Point("n·D", scaled(100_000), 1, 32, 32));
    points.add(new Point("n·D", scaled(100_000), 1, 32, 128));
    points.add(new Point("n·D", scaled(100_000), 1, 128, 128));
    for (int configs : new int[] {1, 10, 100}) {
      points.add(new Point("configurations", scaled(200_000), configs, 32, 128));
    }
    return points;
  }

  private long scaled(long rows) {
    return Math.max(100, Math.round(rows * scale));
  }

  public List<Measurement> run() {
    // Warm-up, not reported: the first job of a JVM pays for class loading and the JIT.
    measure(new Point("warm-up", scaled(20_000), 1, 32, 128), "warm-up");
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
    long start = System.nanoTime();
    RunReport report = EndToEndBenchmark.runJob(spark, input, output, RunSettings.Writer.BULK,
        OutputCodecs.DEFAULT);
    Measurement m = new Measurement(point, (System.nanoTime() - start) / 1e9, report);
    LOG.info("bench scaling: {} in {} s", point, String.format(Locale.ROOT, "%.1f", m.seconds()));
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
    StringBuilder out = new StringBuilder("| series | rows | n·D | configs | wall s | rows/s "
        + "| W MB/s | build+broadcast s | reconcile+write s | rejects+accounting s |\n"
        + "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (Measurement m : results) {
      Point p = m.point();
      out.append(String.format(Locale.ROOT, "| %s | %d | %d | %d | %.1f | %.0f | %.0f | %.2f "
              + "| %.1f | %.1f |%n", p.series(), p.rows(), p.outputSize(), p.configs(),
          m.seconds(), m.rowsPerSecond(), m.rowsPerSecond() * p.outputSize() * 4 / 1e6,
          m.phaseSeconds("build_broadcast"), m.phaseSeconds("reconcile_write"),
          m.phaseSeconds("write_rejects") + m.phaseSeconds("accounting")));
    }
    out.append('\n');
    for (String series : List.of("rows", "n·D", "configurations")) {
      List<Measurement> s = results.stream().filter(m -> m.point().series().equals(series))
          .toList();
      if (s.size() < 2) {
        continue;
      }
      Measurement first = s.get(0);
      Measurement last = s.get(s.size() - 1);
      if (series.equals("configurations")) {
        int extra = last.point().configs() - first.point().configs();
        out.append(String.format(Locale.ROOT, "- configurations %d → %d at the same rows: wall "
                + "×%.2f, i.e. %.0f ms per extra configuration%n", first.point().configs(),
            last.point().configs(), last.seconds() / first.seconds(),
            1000 * (last.seconds() - first.seconds()) / extra));
      } else {
        double size = series.equals("rows")
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
