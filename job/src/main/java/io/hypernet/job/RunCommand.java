package io.hypernet.job;

import io.hypernet.io.OutputCodecs;
import io.hypernet.job.failure.JobFailure;
import io.hypernet.job.io.OutputPublisher;
import io.hypernet.job.report.RunReport;
import io.hypernet.job.run.ReconcileJob;
import io.hypernet.job.run.RunSettings;
import io.hypernet.spark.ConfigGrouping;
import io.hypernet.spark.ReconcileOptions;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code hypernet run}: reconcile w vectors from Parquet into W matrices in Parquet. */
@Command(name = "run", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Reads w vectors and configurations from Parquet, computes every W and writes",
        "the output, the rejected rows and _report.json; published only when complete.",
        "Exit codes: 0 success (rejects allowed), 2 invalid invocation or inputs (nothing",
        "written), 3 bad rows over the policy (nothing published), 1 anything else."})
final class RunCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = "--input", required = true, paramLabel = "PATH",
      description = "Parquet w vectors: id, config_id, w (array<float|double> or ML vector).")
  String input;

  @Option(names = "--configs", required = true, paramLabel = "PATH",
      description = "Parquet configurations (config_id, l, n, D, hidden_dim, seed, ...).")
  String configs;

  @Option(names = "--output", required = true, paramLabel = "PATH",
      description = "Output directory: id, config_id, n, D, W (array<float>, row-major).")
  String output;

  @Option(names = "--rejects", paramLabel = "PATH",
      description = "Rejected rows (input columns + reason). Default: <output>/_rejects; "
          + "inside the output only under a name starting with '_'.")
  String rejects;

  @Option(names = "--master", paramLabel = "URL",
      description = "Spark master; default: spark-submit's, else local[*].")
  String master;

  @Mixin
  SparkConfOption sparkConf;

  @Mixin
  EngineOption engine;

  @Option(names = "--batch-size", defaultValue = "" + ReconcileOptions.DEFAULT_BATCH_SIZE,
      paramLabel = "ROWS", description = "Rows per engine call (default ${DEFAULT-VALUE}).")
  int batchSize;

  @Option(names = "--group-by-config", paramLabel = "none|sort|repartition",
      defaultValue = "sort", description = "Order rows by config_id before reconciling, so each "
          + "task meets its configurations one after another: sort within partitions (default), "
          + "repartition (shuffle, one task per configuration) or none.")
  ConfigGrouping groupByConfig;

  @Option(names = "--writer", defaultValue = "bulk", paramLabel = "bulk|spark",
      description = "bulk: this project's Parquet writer for W (default, several times faster); "
          + "spark: Spark's stock writer. Both write the same schema and values.")
  RunSettings.Writer writer;

  @Option(names = "--compression", defaultValue = "snappy", paramLabel = "snappy|zstd|gzip|none",
      description = "Codec of the key columns (id, config_id, n, D; default ${DEFAULT-VALUE}); "
          + "with --writer spark, of every column.")
  Codec compression;

  @Option(names = "--w-compression", paramLabel = "none|snappy|zstd|gzip",
      description = "Codec of W, bulk writer only (default none: float32 W does not compress, "
          + "see BENCHMARKS.md).")
  Codec wCompression;

  @Option(names = "--on-bad-row", defaultValue = "reject", paramLabel = "reject|fail",
      description = "reject: write bad rows to the rejects (default); fail: exit 3.")
  BadRowPolicy onBadRow;

  @Option(names = "--max-reject-fraction", defaultValue = "1.0", paramLabel = "F",
      description = "Exit 3 without publishing when rejected/in exceeds F (default ${DEFAULT-VALUE}).")
  double maxRejectFraction;

  @Option(names = "--mode", defaultValue = "error", paramLabel = "error|overwrite",
      description = "When the output exists: error (exit 2, default) or overwrite.")
  OutputPublisher.Mode mode;

  @Option(names = "--id-column", defaultValue = "id", paramLabel = "NAME") String idColumn;

  @Option(names = "--config-column", defaultValue = "config_id", paramLabel = "NAME")
  String configColumn;

  @Option(names = "--w-column", defaultValue = "w", paramLabel = "NAME") String wColumn;

  @Option(names = "--max-weights-mb", defaultValue = "0", paramLabel = "MB",
      description = "Largest hypernet to build; default a quarter of the driver "
          + "heap, at most 2048.")
  long maxWeightsMb;

  @Override
  public Integer call() {
    RunSettings settings = settings();
    SparkSession spark = SparkSessions.start("hypernet run", master, sparkConf.settings());
    try {
      RunReport report = new ReconcileJob(spark, settings).run();
      spec.commandLine().getOut().println("hypernet run " + report.summary());
      return 0;
    } finally {
      spark.stop();
    }
  }

  RunSettings settings() {
    if (batchSize <= 0) {
      throw JobFailure.invalidInput("--batch-size must be > 0, got " + batchSize);
    }
    if (!(maxRejectFraction >= 0 && maxRejectFraction <= 1)) {
      throw JobFailure.invalidInput("--max-reject-fraction must be in [0, 1], got "
          + maxRejectFraction);
    }
    ReconcileOptions options = ReconcileOptions.defaults().withEngine(engine.kind)
        .withBatchSize(batchSize).withColumns(idColumn, configColumn, wColumn)
        .withGrouping(groupByConfig);
    if (writer == RunSettings.Writer.SPARK && wCompression != null) {
      throw JobFailure.invalidInput("--w-compression applies to --writer bulk only; Spark's "
          + "writer compresses every column with --compression");
    }
    OutputCodecs codecs = new OutputCodecs(compression.parquet(),
        wCompression == null ? OutputCodecs.DEFAULT.w() : wCompression.parquet());
    return new RunSettings(input, configs, output, rejects, options, mode,
        onBadRow == BadRowPolicy.FAIL, maxRejectFraction, maxWeightsMb << 20, writer, codecs);
  }

  /** {@code --on-bad-row}: what a bad row does to the run. */
  enum BadRowPolicy { REJECT, FAIL }
}
