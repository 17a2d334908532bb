package io.hypernet.bench.spark;

import static org.apache.spark.sql.functions.callUDF;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.hypernet.config.HypernetConfig;
import io.hypernet.config.SizeLimits;
import io.hypernet.parquet.OutputCodecs;
import io.hypernet.job.report.RunReport;
import io.hypernet.job.run.ReconcileJob;
import io.hypernet.job.run.RunSettings;
import io.hypernet.job.sample.SampleData;
import io.hypernet.spark.HypernetConfigs;
import io.hypernet.spark.Hypernets;
import io.hypernet.spark.ReconcileOptions;
import io.hypernet.weights.HypernetWeights;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.collection.Seq;

/**
 * Issue 5's end-to-end benchmark, every contender in one JVM and one run so that the ratios
 * survive a noisy machine: the Spark write floor (precomputed W through Spark's stock Parquet
 * writer, no hypernet), a naive per-row Java UDF (the thing a user writes first), and this job
 * with Spark's writer and with the bulk writer. Same rows, shape, codec and cores for all.
 */
public final class EndToEndBenchmark {
  private static final Logger LOG = LoggerFactory.getLogger(EndToEndBenchmark.class);
  /** Distinct precomputed W rows the floor cycles through: content, not cost, is irrelevant. */
  private static final int W_POOL = 64;
  /** Rows of the untimed warm-up job: enough for the JIT to compile every hot path. */
  static final long WARM_UP_ROWS = 20_000;

  /** The shape under test (issue 5: l=64, hidden=128, n·D=4096). */
  public record Shape(int l, int n, int d, int hiddenDim) implements java.io.Serializable {}

  /**
   * One contender's wall time and this JVM's CPU time meanwhile; the job's also its
   * compute+write phase (NaN for the others).
   */
  public record Result(String name, long rows, double seconds, ProcessCpu cpu,
      double phaseSeconds, String note) {
    public double rowsPerSecond() {
      return rows / seconds;
    }
  }

  private final SparkSession spark;
  private final String dir;
  private final long rows;
  private final int partitions;
  private final Shape shape;
  private final OutputCodecs codecs;

  /**
   * @param codecs the bulk writer's; Spark's writer (floor, naive UDF, {@code --writer spark})
   *     compresses every column with the keys' codec
   */
  public EndToEndBenchmark(SparkSession spark, String dir, long rows, int partitions,
      Shape shape, OutputCodecs codecs) {
    this.spark = spark;
    this.dir = dir;
    this.rows = rows;
    this.partitions = partitions;
    this.shape = shape;
    this.codecs = codecs;
  }

  /**
   * The contenders asked for, the raw write always; the first one is the ratios' baseline.
   *
   * @param warmUp first run the bulk job, untimed, on {@link #WARM_UP_ROWS} other rows, so that
   *     the timings leave out the JIT compiling the job's code (a one-off per JVM, which on two
   *     busy cores took more CPU than the job's task threads)
   */
  public List<Result> run(boolean warmUp, boolean includeFloor, boolean includeNaive,
      boolean includeSparkWriter) {
    if (warmUp) {
      warmUp();
    }
    LOG.info("bench: generating {} w vectors ({}) into {}/input", rows, shape, dir);
    SampleData.write(spark, new SampleData.Spec(rows, 1, shape.l(), shape.n(), shape.d(),
        shape.hiddenDim(), 42, 0, partitions), dir + "/input");
    List<Supplier<Result>> contenders = new ArrayList<>();
    if (includeFloor) {
      contenders.add(this::writeFloor);
    }
    contenders.add(this::rawWrite);
    if (includeNaive) {
      contenders.add(this::naiveUdf);
    }
    if (includeSparkWriter) {
      contenders.add(() -> job(RunSettings.Writer.SPARK));
    }
    contenders.add(() -> job(RunSettings.Writer.BULK));
    List<Result> results = new ArrayList<>();
    for (Supplier<Result> contender : contenders) {
      settle();
      results.add(contender.get());
    }
    return results;
  }

  private void warmUp() {
    String warm = dir + "/warm-up";
    long warmRows = Math.min(rows, WARM_UP_ROWS);
    LOG.info("bench: warm-up, the bulk job on {} rows (not timed)", warmRows);
    SampleData.write(spark, new SampleData.Spec(warmRows, 1, shape.l(), shape.n(), shape.d(),
        shape.hiddenDim(), 43, 0, partitions), warm + "/input");
    runJob(spark, warm + "/input", warm + "/output", RunSettings.Writer.BULK, codecs,
        ReconcileOptions.defaults());
    try {
      if (onLocalDisk()) {
        deleteRecursively(Path.of(warm));
      } else {
        scratch().delete(new org.apache.hadoop.fs.Path(warm), true);
      }
    } catch (IOException e) {
      throw new IllegalStateException("could not remove the warm-up's " + warm, e);
    }
  }

  /**
   * Flushes dirty pages to disk before a contender starts (not timed): otherwise a contender is
   * throttled by the writeback of those before it, and the order of the table decides the result.
   */
  static void settle() {
    long start = System.nanoTime();
    try {
      Process sync = new ProcessBuilder("sync").inheritIO().start();
      if (sync.waitFor() != 0) {
        LOG.warn("bench: sync exited {}; contenders may see each other's writeback",
            sync.exitValue());
      }
    } catch (IOException e) {
      LOG.warn("bench: cannot run sync ({}); contenders may see each other's writeback",
          e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while flushing the page cache", e);
    }
    LOG.info("bench: page cache flushed in {} ms", (System.nanoTime() - start) / 1_000_000);
  }

  private Result writeFloor() {
    StructType schema =
        Hypernets.outputSchema(DataTypes.LongType, ReconcileOptions.defaults());
    Start start = Start.now();
    spark.range(0, rows, 1, partitions).map(new PrecomputedRow(shape), Encoders.row(schema))
        .write().mode(SaveMode.Overwrite).option("compression", codecName())
        .parquet(dir + "/floor");
    return timed("Spark write floor (precomputed W, stock writer)", start, "");
  }

  /**
   * W's bytes alone (n·D floats per row), written to the same filesystem by one thread per
   * partition in 1 MiB writes: no Parquet, no Spark, no compute. No writer can beat it here; on
   * a slow or busy disk it, not Spark, is the floor that counts. On a store (S3, HDFS) the
   * streams are its Hadoop client's, as it uploads them.
   */
  private Result rawWrite() {
    boolean local = onLocalDisk();
    String raw = dir + "/raw";
    byte[] chunk = new byte[1 << 20];
    new Random(3).nextBytes(chunk);
    long bytesPerPartition = rows * 4L * shape.n() * shape.d() / partitions;
    Start start = null;
    try {
      org.apache.hadoop.fs.FileSystem fs = local ? null : scratch();
      if (local) {
        deleteRecursively(Path.of(raw));
        Files.createDirectories(Path.of(raw));
      } else {
        fs.delete(new org.apache.hadoop.fs.Path(raw), true);
      }
      List<Future<?>> writers = new ArrayList<>();
      ExecutorService pool = Executors.newFixedThreadPool(partitions);
      start = Start.now();
      try {
        for (int p = 0; p < partitions; p++) {
          String file = raw + "/part-" + p;
          writers.add(pool.submit(() -> {
            try (OutputStream out = local ? Files.newOutputStream(Path.of(file))
                : fs.create(new org.apache.hadoop.fs.Path(file), true)) {
              for (long left = bytesPerPartition; left > 0; left -= chunk.length) {
                out.write(chunk, 0, (int) Math.min(chunk.length, left));
              }
            }
            return null;
          }));
        }
        for (Future<?> writer : writers) {
          writer.get();
        }
      } finally {
        pool.shutdown();
      }
    } catch (IOException | InterruptedException | ExecutionException e) {
      throw new IllegalStateException("raw write to " + raw + " failed", e);
    }
    return timed("raw write of W's bytes (no Parquet, no Spark)", start,
        local ? "the filesystem's own limit for these bytes"
            : "the store's own limit for these bytes, through its Hadoop client");
  }

  /** True when {@code --dir} is on the local disk (no scheme, or file:). */
  private boolean onLocalDisk() {
    String scheme = new org.apache.hadoop.fs.Path(dir).toUri().getScheme();
    return scheme == null || scheme.equals("file");
  }

  private org.apache.hadoop.fs.FileSystem scratch() throws IOException {
    return new org.apache.hadoop.fs.Path(dir).getFileSystem(
        spark.sparkContext().hadoopConfiguration());
  }

  /** Removes a local file or directory tree, if it exists. */
  static void deleteRecursively(Path path) throws IOException {
    if (!Files.exists(path)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(path)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  private Result naiveUdf() {
    HypernetConfig config = HypernetConfigs.read(spark, dir + "/input/configs")
        .validate(SizeLimits.forThisJvm()).valid().get(0);
    Broadcast<HypernetWeights> weights = spark.sparkContext().broadcast(
        HypernetWeights.seeded(config), scala.reflect.ClassTag$.MODULE$.apply(
            HypernetWeights.class));
    spark.udf().register("naive_hypernet", new NaiveHypernet(weights),
        DataTypes.createArrayType(DataTypes.FloatType, false));
    Start start = Start.now();
    spark.read().parquet(dir + "/input/w")
        .select(col("id"), col("config_id"), lit(shape.n()).as("n"), lit(shape.d()).as("D"),
            callUDF("naive_hypernet", col("w")).as("W"))
        .write().mode(SaveMode.Overwrite).option("compression", codecName())
        .parquet(dir + "/naive");
    weights.destroy();
    return timed("naive per-row Java UDF (plain loops, stock writer)", start, "");
  }

  private String codecName() {
    return codecs.keys().name().toLowerCase(Locale.ROOT);
  }

  private Result job(RunSettings.Writer writer) {
    String name = writer.name().toLowerCase(Locale.ROOT);
    Start start = Start.now();
    RunReport report = runJob(spark, dir + "/input", dir + "/job-" + name, writer, codecs,
        ReconcileOptions.defaults());
    double phase = report.durationsMs().get("reconcile_write") / 1000.0;
    return timed("hypernet job, --writer " + name, start, phase, String.format(Locale.ROOT,
        "engine %s; compute+write phase %.1f s", String.join(",", report.engines()), phase));
  }

  /** The job as the CLI runs it, on {@code input}/w and {@code input}/configs. */
  static RunReport runJob(SparkSession spark, String input, String output,
      RunSettings.Writer writer, OutputCodecs codecs, ReconcileOptions options) {
    return new ReconcileJob(spark, new RunSettings(
        new RunSettings.Paths(List.of(input + "/w"), input + "/configs", Map.of(), output, null),
        options,
        RunSettings.Output.overwriting(writer, codecs), RunSettings.BadRows.REJECT, 0)).run();
  }

  /** When a contender started, by the clock and by this JVM's CPU time. */
  private record Start(long nanos, ProcessCpu cpu) {
    static Start now() {
      return new Start(System.nanoTime(), ProcessCpu.now());
    }
  }

  private Result timed(String name, Start start, String note) {
    return timed(name, start, Double.NaN, note);
  }

  private Result timed(String name, Start start, double phaseSeconds, String note) {
    Result result = new Result(name, rows, (System.nanoTime() - start.nanos()) / 1e9,
        ProcessCpu.now().since(start.cpu()), phaseSeconds, note);
    ProcessCpu cpu = result.cpu();
    LOG.info("bench: {}: {} rows in {} s, CPU {} s user + {} s system (task threads {} + {})",
        name, rows, String.format(Locale.ROOT, "%.1f", result.seconds()),
        String.format(Locale.ROOT, "%.2f", cpu.userSeconds()),
        String.format(Locale.ROOT, "%.2f", cpu.systemSeconds()),
        String.format(Locale.ROOT, "%.2f", cpu.taskUserSeconds()),
        String.format(Locale.ROOT, "%.2f", cpu.taskSystemSeconds()));
    return result;
  }

  /**
   * A markdown table of the results, with ratios against the floor (the first contender: the
   * raw write when the floor was left out), the naive UDF and the raw write: by wall time, by
   * the job's compute+write phase, and by CPU time (which a busy machine does not distort).
   */
  public static String table(List<Result> results) {
    double floor = results.get(0).rowsPerSecond();
    Result raw = results.stream().filter(r -> r.name().startsWith("raw")).findFirst()
        .orElseThrow();
    double naive = results.stream().filter(r -> r.name().startsWith("naive"))
        .mapToDouble(Result::rowsPerSecond).findFirst().orElse(Double.NaN);
    StringBuilder out = new StringBuilder(
        "| contender | rows | wall s | rows/s | × write floor | × naive UDF | % of raw write "
            + "| compute+write % of raw write | CPU s user+sys | CPU % of raw write | note |\n"
            + "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
    for (Result r : results) {
      out.append(String.format(Locale.ROOT,
          "| %s | %d | %.1f | %.0f | %.2f | %s | %.0f %% | %s | %.1f+%.1f | %.0f %% | %s |%n",
          r.name(), r.rows(), r.seconds(), r.rowsPerSecond(), r.rowsPerSecond() / floor,
          Double.isNaN(naive) ? "n/a" : String.format(Locale.ROOT, "%.2f",
              r.rowsPerSecond() / naive), 100 * raw.seconds() / r.seconds(),
          Double.isNaN(r.phaseSeconds()) ? "" : String.format(Locale.ROOT, "%.0f %%",
              100 * raw.seconds() / r.phaseSeconds()),
          r.cpu().userSeconds(), r.cpu().systemSeconds(),
          100 * raw.cpu().totalSeconds() / r.cpu().totalSeconds(), r.note()));
    }
    return out.toString();
  }

  /** W from a small pool of random rows, so producing a row costs next to nothing. */
  private static final class PrecomputedRow implements MapFunction<Long, Row> {
    private static final long serialVersionUID = 1L;
    private final Shape shape;
    private transient float[][] pool;

    PrecomputedRow(Shape shape) {
      this.shape = shape;
    }

    @Override
    public Row call(Long id) {
      if (pool == null) {
        Random random = new Random(7);
        pool = new float[W_POOL][shape.n() * shape.d()];
        for (float[] w : pool) {
          for (int i = 0; i < w.length; i++) {
            w[i] = (float) random.nextGaussian();
          }
        }
      }
      return RowFactory.create(id, "cfg-000", shape.n(), shape.d(), pool[(int) (id % W_POOL)]);
    }
  }

  /** The first thing a user writes: one w at a time, plain loops, boxed input. */
  private static final class NaiveHypernet implements UDF1<Seq<Object>, float[]> {
    private static final long serialVersionUID = 1L;
    private final Broadcast<HypernetWeights> weights;

    NaiveHypernet(Broadcast<HypernetWeights> weights) {
      this.weights = weights;
    }

    @Override
    public float[] call(Seq<Object> w) {
      HypernetWeights p = weights.value();
      int l = p.inputSize();
      int hidden = p.hiddenSize();
      int out = p.outputSize();
      float[] h = new float[hidden];
      for (int i = 0; i < hidden; i++) {
        float sum = p.b1()[i];
        for (int j = 0; j < l; j++) {
          sum += p.a1()[i * l + j] * ((Number) w.apply(j)).floatValue();
        }
        h[i] = p.activation() == io.hypernet.config.Activation.SIGMOID
            ? (float) (1 / (1 + Math.exp(-sum))) : sum;
      }
      float[] result = new float[out];
      for (int i = 0; i < out; i++) {
        float sum = p.b2()[i];
        for (int j = 0; j < hidden; j++) {
          sum += p.a2()[i * hidden + j] * h[j];
        }
        result[i] = sum;
      }
      return result;
    }
  }
}
