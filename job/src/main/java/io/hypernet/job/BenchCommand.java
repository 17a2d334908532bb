package io.hypernet.job;

import io.hypernet.job.bench.EndToEndBenchmark;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code hypernet bench}: the end-to-end benchmark, printed as a markdown table. */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Runs, in one JVM and one run: Spark writing precomputed W (the write floor),",
        "a naive per-row Java UDF, and this job with Spark's writer and with the bulk writer,",
        "on the same generated w vectors; prints rows/s and the ratios (see BENCHMARKS.md)."})
final class BenchCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = "--rows", defaultValue = "200000", description = "w vectors (default ${DEFAULT-VALUE}).")
  long rows;

  @Option(names = "--n", defaultValue = "32", description = "Rows of W (default ${DEFAULT-VALUE}).")
  int n;

  @Option(names = "--D", defaultValue = "128", description = "Columns of W (default ${DEFAULT-VALUE}).")
  int d;

  @Option(names = "--partitions", defaultValue = "2",
      description = "Input files and tasks (default ${DEFAULT-VALUE}).")
  int partitions;

  @Option(names = "--dir", defaultValue = "target/bench", paramLabel = "DIR",
      description = "Scratch directory, replaced (default ${DEFAULT-VALUE}).")
  String dir;

  @Option(names = "--master", defaultValue = "local[2]", paramLabel = "URL",
      description = "Spark master (default ${DEFAULT-VALUE}: the 2 cores the goals assume).")
  String master;

  @Option(names = "--skip-naive", description = "Leave out the naive UDF (the slowest).")
  boolean skipNaive;

  @Override
  public Integer call() {
    if (rows <= 0 || n <= 0 || d <= 0 || partitions <= 0) {
      throw JobFailure.invalidInput("bench: --rows, --n, --D and --partitions must be > 0");
    }
    SparkSession spark = SparkSessions.start("hypernet bench", master);
    try {
      List<EndToEndBenchmark.Result> results = new EndToEndBenchmark(spark, dir, rows,
          partitions, new EndToEndBenchmark.Shape(64, n, d, 128)).run(!skipNaive);
      spec.commandLine().getOut().printf("hypernet bench: %d rows, l=64, hidden=128, n·D=%d, "
          + "snappy, %s%n%n%s", rows, n * d, master, EndToEndBenchmark.table(results));
      return 0;
    } finally {
      spark.stop();
    }
  }
}
