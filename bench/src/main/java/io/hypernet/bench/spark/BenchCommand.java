package io.hypernet.bench.spark;

import io.hypernet.parquet.OutputCodecs;
import io.hypernet.job.Codec;
import io.hypernet.job.HypernetCli;
import io.hypernet.job.SparkConfOption;
import io.hypernet.job.SparkSessions;
import io.hypernet.job.failure.JobFailure;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code bin/hypernet bench}: the end-to-end, scaling or SQL benchmark, printed as markdown. Its
 * own program on the job's classes, so that the spark-submit jar ships no benchmark.
 */
@Command(name = "hypernet bench", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"end-to-end (default): runs, in one JVM and one run, Spark writing",
        "precomputed W (the write floor), a naive per-row Java UDF, and this job with Spark's",
        "writer and with the bulk writer, on the same generated w vectors; prints rows/s and",
        "the ratios. scaling: the job against rows, n·D and the number of configurations.",
        "sql: the SQL function against the batched path on --rows rows. peer: the job against",
        "the pyarrow + PyTorch script a user would write instead (bench/peer), each a fresh",
        "process, --runs times. table: the job into Parquet against the job into an Iceberg",
        "table (Spark 3.5 build), --runs times in turn, and the commit of 1,000 files. See",
        "BENCHMARKS.md."})
public final class BenchCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = "--suite", defaultValue = "end-to-end",
      paramLabel = "end-to-end|scaling|sql|peer|table",
      description = "Which benchmark (default ${DEFAULT-VALUE}).")
  Suite suite;

  @Option(names = "--rows", defaultValue = "200000",
      description = "end-to-end, sql, peer and table: w vectors (default ${DEFAULT-VALUE}).")
  long rows;

  @Option(names = "--runs", defaultValue = "3",
      description = "peer and table: runs of each contender, taken in turn (default "
          + "${DEFAULT-VALUE}).")
  int runs;

  @Option(names = "--python", defaultValue = "python3", paramLabel = "PROGRAM",
      description = "peer: the Python that runs the script, with pyarrow and torch (default "
          + "${DEFAULT-VALUE}); without them the script is left out, and the table says why.")
  String python;

  @Option(names = "--n", defaultValue = "32",
      description = "end-to-end: rows of W (default ${DEFAULT-VALUE}).")
  int n;

  @Option(names = "--D", defaultValue = "128",
      description = "end-to-end: columns of W (default ${DEFAULT-VALUE}).")
  int d;

  @Option(names = "--compression", defaultValue = "snappy",
      paramLabel = "snappy|zstd|gzip|none",
      description = "end-to-end: the codec of the job's key columns and of every column Spark's "
          + "writer writes (default ${DEFAULT-VALUE}).")
  Codec compression;

  @Option(names = "--w-compression", defaultValue = "none",
      paramLabel = "none|snappy|zstd|gzip",
      description = "end-to-end: the codec of W in the bulk writer (default ${DEFAULT-VALUE}).")
  Codec wCompression;

  @Option(names = "--scale", defaultValue = "1",
      description = "scaling: multiplies every row count (default ${DEFAULT-VALUE}: 50k to 800k).")
  double scale;

  @Option(names = "--series", split = ",", paramLabel = "NAME[,NAME...]",
      defaultValue = "rows,n·D,configurations,grouping",
      description = "scaling: which series to run (default ${DEFAULT-VALUE}).")
  List<ScalingBenchmark.Series> series;

  @Option(names = "--partitions", defaultValue = "2",
      description = "Input files and tasks (default ${DEFAULT-VALUE}).")
  int partitions;

  @Option(names = "--dir", defaultValue = "target/bench", paramLabel = "DIR",
      description = "Scratch directory, replaced (default ${DEFAULT-VALUE}); end-to-end also "
          + "takes a store's URI, e.g. s3a://bucket/bench (BENCHMARKS.md, \"On S3\").")
  String dir;

  @Option(names = "--master", defaultValue = "local[2]", paramLabel = "URL",
      description = "Spark master (default ${DEFAULT-VALUE}: the 2 cores the goals assume).")
  String master;

  @Mixin
  SparkConfOption sparkConf;

  @Option(names = "--warm-up",
      description = "end-to-end: first run the bulk job, untimed, on 20,000 other rows, so "
          + "that the timings leave out the JIT compiling its code.")
  boolean warmUp;

  @Option(names = "--skip-floor",
      description = "end-to-end: leave out the Spark write floor (ratios then against the raw "
          + "write).")
  boolean skipFloor;

  @Option(names = "--skip-naive", description = "end-to-end: leave out the naive UDF (the slowest).")
  boolean skipNaive;

  @Option(names = "--skip-spark-writer",
      description = "end-to-end: leave out the job with --writer spark.")
  boolean skipSparkWriter;

  public static void main(String[] args) {
    System.exit(execute(new PrintWriter(System.out, true), new PrintWriter(System.err, true),
        args));
  }

  /** Runs the benchmark command line and returns the CLI's exit code. */
  static int execute(PrintWriter out, PrintWriter err, String... args) {
    return HypernetCli.execute(new BenchCommand(), out, err, args);
  }

  @Override
  public Integer call() throws java.io.IOException, InterruptedException {
    if (rows <= 0 || n <= 0 || d <= 0 || partitions <= 0 || !(scale > 0) || runs <= 0) {
      throw JobFailure.invalidInput(
          "bench: --rows, --n, --D, --partitions, --scale and --runs must be > 0");
    }
    OutputCodecs codecs = new OutputCodecs(compression.parquet(), wCompression.parquet());
    SparkSession spark = SparkSessions.start("hypernet bench", master, sparkConf.settings());
    try {
      if (suite == Suite.SQL) {
        SqlBenchmark sql = new SqlBenchmark(spark, dir, rows, partitions, 3);
        spec.commandLine().getOut().printf("hypernet bench --suite sql: %d rows, l=64, "
            + "hidden=128, n·D=4096, %s%n%n%s", rows, master, sql.table(sql.run()));
        return 0;
      }
      if (suite == Suite.PEER) {
        PeerBenchmark peer = new PeerBenchmark(spark, dir, rows, partitions, master, python);
        spec.commandLine().getOut().printf("hypernet bench --suite peer: %d rows, 2 "
            + "configurations (none, sigmoid), l=64, hidden=128, n·D=4096, the job on %s%n%n%s",
            rows, master, PeerBenchmark.table(peer.run(runs), rows));
        return 0;
      }
      if (suite == Suite.TABLE) {
        spec.commandLine().getOut().printf("hypernet bench --suite table: %d rows, 1 "
            + "configuration, l=64, hidden=128, n·D=4096, %s%n%n%s", rows, master,
            new TableBenchmark(spark, dir, rows, partitions, runs).run());
        return 0;
      }
      if (suite == Suite.SCALING) {
        List<ScalingBenchmark.Measurement> results =
            new ScalingBenchmark(spark, dir, scale, partitions, series).run();
        spec.commandLine().getOut().printf("hypernet bench --suite scaling: l=64, hidden=128, "
            + "keys snappy, W uncompressed, %s%n%n%s", master, ScalingBenchmark.table(results));
        return 0;
      }
      List<EndToEndBenchmark.Result> results = new EndToEndBenchmark(spark, dir, rows,
          partitions, new EndToEndBenchmark.Shape(64, n, d, 128), codecs)
          .run(warmUp, !skipFloor, !skipNaive, !skipSparkWriter);
      spec.commandLine().getOut().printf("hypernet bench: %d rows, l=64, hidden=128, n·D=%d, "
          + "%s (W %s in the bulk writer), %s%n%n%s", rows, n * d,
          codecs.keys().name().toLowerCase(Locale.ROOT),
          codecs.w().name().toLowerCase(Locale.ROOT), master,
          EndToEndBenchmark.table(results));
      return 0;
    } finally {
      spark.stop();
    }
  }

  /** {@code --suite}: picocli matches the value with toString, e.g. end-to-end. */
  enum Suite {
    END_TO_END, SCALING, SQL, PEER, TABLE;

    @Override
    public String toString() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
  }
}
