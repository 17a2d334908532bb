package io.hypernet.job;

import io.hypernet.parquet.OutputCodecs;
import io.hypernet.job.failure.JobFailure;
import io.hypernet.job.failure.SparkMismatch;
import io.hypernet.job.io.OutputPublisher;
import io.hypernet.job.report.LastRunReport;
import io.hypernet.job.report.RunReport;
import io.hypernet.job.run.ReconcileJob;
import io.hypernet.job.run.RunSettings;
import io.hypernet.spark.ConfigGrouping;
import io.hypernet.spark.ReconcileOptions;
import io.hypernet.text.BoundedText;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
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
        "Success or failure, <parent>/_last_run/<name>.report.json tells how the run ended.",
        "Exit codes: 0 success (rejects allowed), 2 invalid invocation or inputs (nothing",
        "written), 3 bad rows over the policy (nothing published), 1 anything else."})
final class RunCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = "--input", required = true, paramLabel = "PATH[,PATH...]",
      description = {"Parquet w vectors: id, config_id, w (array<float|double> or ML vector).",
          "Repeatable, and comma-separated (commas inside a glob's {a,b} excepted): files,",
          "directories and globs, read as one dataset like spark.read.parquet(p1, p2, ...)."})
  List<String> input;

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

  @Option(names = "--max-rows-per-file", paramLabel = "ROWS",
      defaultValue = "" + RunSettings.Output.DEFAULT_MAX_ROWS_PER_FILE,
      description = "Start a new output file after this many rows (default ${DEFAULT-VALUE}: "
          + "1 GiB files at n*D = 4096); 0: one file per partition. Spark's maxRecordsPerFile "
          + "with --writer spark.")
  long maxRowsPerFile;

  @Option(names = "--mode", defaultValue = "error", paramLabel = "error|overwrite",
      description = "When the output exists: error (exit 2, default) or overwrite.")
  OutputPublisher.Mode mode;

  @Option(names = "--id-column", defaultValue = "id", paramLabel = "NAME") String idColumn;

  @Option(names = "--config-column", defaultValue = "config_id", paramLabel = "NAME")
  String configColumn;

  @Option(names = "--w-column", defaultValue = "w", paramLabel = "NAME") String wColumn;

  @Option(names = "--configs-column", paramLabel = "COLUMN=NAME",
      description = "The configurations table's name for one of its columns, e.g. "
          + "config_id=cfg (repeatable).")
  Map<String, String> configColumns = Map.of();

  @Option(names = "--max-weights-mb", defaultValue = "0", paramLabel = "MB",
      description = "Largest hypernet to build; default a quarter of the driver "
          + "heap, at most 2048.")
  long maxWeightsMb;

  @Override
  public Integer call() {
    SparkSession spark = null;
    try {
      RunSettings settings = settings();
      spark = SparkSessions.start("hypernet run", master, sparkConf.settings());
      RunReport report = new ReconcileJob(spark, settings).run();
      LastRunReport.write(spark.sparkContext().hadoopConfiguration(), output, report.toJson());
      spec.commandLine().getOut().println("hypernet run " + report.summary());
      return 0;
    } catch (RuntimeException e) {
      // Named before it is recorded, so that the last-run report carries the plain line too.
      JobFailure failure = SparkMismatch.in(e).orElseGet(() -> e instanceof JobFailure
          ? (JobFailure) e : new JobFailure(1, "failed: " + e, e));
      reportFailure(spark, failure);
      throw failure;
    } finally {
      if (spark != null) {
        spark.stop();
      }
    }
  }

  /** The failure's line and exit code, beside the output where an operator looks. */
  private void reportFailure(SparkSession spark, JobFailure failure) {
    Configuration hadoop = spark == null ? new Configuration()
        : spark.sparkContext().hadoopConfiguration();
    String applicationId = spark == null ? null : spark.sparkContext().applicationId();
    LastRunReport.Reason reason = new LastRunReport.Reason(BoundedText.of(failure.getMessage()),
        failure.exitCode());
    LastRunReport.write(hadoop, output,
        LastRunReport.Failure.of(reason, applicationId, input, configs, output).toJson());
  }

  RunSettings settings() {
    if (maxRowsPerFile < 0) {
      throw JobFailure.invalidInput("--max-rows-per-file must be >= 0, got " + maxRowsPerFile);
    }
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
    return new RunSettings(
        new RunSettings.Paths(inputPaths(), configs, configColumns, output, rejects),
        options, new RunSettings.Output(mode, writer, codecs, maxRowsPerFile),
        new RunSettings.BadRows(onBadRow == BadRowPolicy.FAIL, maxRejectFraction),
        maxWeightsMb << 20);
  }

  /** Every --input value split at its commas, except those inside a glob's braces. */
  private List<String> inputPaths() {
    List<String> paths = new ArrayList<>();
    for (String value : input) {
      int depth = 0;
      int start = 0;
      for (int i = 0; i <= value.length(); i++) {
        char c = i < value.length() ? value.charAt(i) : ',';
        depth += c == '{' ? 1 : c == '}' && depth > 0 ? -1 : 0;
        if (c == ',' && depth == 0) {
          String path = value.substring(start, i).trim();
          if (path.isEmpty()) {
            throw JobFailure.invalidInput("--input " + value + " has an empty path");
          }
          paths.add(path);
          start = i + 1;
        }
      }
    }
    return paths;
  }

  /** {@code --on-bad-row}: what a bad row does to the run. */
  enum BadRowPolicy { REJECT, FAIL }
}
