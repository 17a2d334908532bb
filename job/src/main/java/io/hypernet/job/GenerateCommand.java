package io.hypernet.job;

import io.hypernet.config.HypernetConfig;
import io.hypernet.job.failure.JobFailure;
import io.hypernet.job.sample.SampleData;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code hypernet generate}: deterministic sample inputs. */
@Command(name = "generate", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Writes deterministic sample inputs: DIR/w (id, config_id, w) and DIR/configs.")
final class GenerateCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Mixin
  SampleOptions sample;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output directory.")
  String out;

  @Option(names = "--master", paramLabel = "URL", description = "Spark master (default local[*]).")
  String master;

  @Override
  public Integer call() {
    SparkSession spark = SparkSessions.start("hypernet generate", master);
    try {
      SampleData.write(spark, sample.spec(), out);
      spec.commandLine().getOut().printf("hypernet generate: %d w vectors, %d configurations "
          + "-> %s/w, %s/configs%n", sample.rows, sample.configs, out, out);
      return 0;
    } finally {
      spark.stop();
    }
  }

  /** The sample's shape ({@code demo} generates a fixed one). */
  static final class SampleOptions {
    @Option(names = "--rows", defaultValue = "100000", description = "w vectors (default ${DEFAULT-VALUE}).")
    long rows;

    @Option(names = "--configs", defaultValue = "3", description = "Configurations (default ${DEFAULT-VALUE}).")
    int configs;

    @Option(names = "--l", defaultValue = "64", description = "Length of w (default ${DEFAULT-VALUE}).")
    int l;

    @Option(names = "--n", defaultValue = "32", description = "Rows of W (default ${DEFAULT-VALUE}).")
    int n;

    @Option(names = "--D", defaultValue = "128", description = "Columns of W (default ${DEFAULT-VALUE}).")
    int d;

    @Option(names = "--hidden-dim", defaultValue = "" + HypernetConfig.DEFAULT_HIDDEN_DIM,
        description = "Hidden layer width (default ${DEFAULT-VALUE}).")
    int hiddenDim;

    @Option(names = "--seed", defaultValue = "42", description = "Seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--bad-rows", defaultValue = "0",
        description = "Rows to break on purpose, to exercise the rejects (default ${DEFAULT-VALUE}).")
    long badRows;

    @Option(names = "--partitions", defaultValue = "4",
        description = "Files of w to write (default ${DEFAULT-VALUE}).")
    int partitions;

    SampleData.Spec spec() {
      if (rows < 0 || configs <= 0 || l <= 0 || n <= 0 || d <= 0 || hiddenDim <= 0
          || partitions <= 0 || badRows < 0) {
        throw JobFailure.invalidInput("generate: sizes must be positive (rows, bad rows >= 0)");
      }
      return new SampleData.Spec(rows, configs, l, n, d, hiddenDim, seed, badRows, partitions);
    }
  }
}
