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
import io.hypernet.table.DeltaTarget;
import io.hypernet.table.IcebergTarget;
import io.hypernet.table.TableMode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;
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

  @Option(names = "--output", paramLabel = "PATH",
      description = "Output directory: id, config_id, n, D, W (array<float>, row-major); "
          + "required with --output-format parquet.")
  String output;

  @Option(names = "--output-format", defaultValue = "parquet",
      paramLabel = "parquet|iceberg|delta",
      description = {"parquet: a Parquet directory, --output (default); iceberg: an Iceberg",
          "table (Spark 3.5 build), delta: a Delta Lake table, each --table, partitioned by",
          "config_id, one commit per run."})
  OutputFormat outputFormat;

  @Option(names = "--table", paramLabel = "NAMESPACE.TABLE|LOCATION",
      description = {"The table, created if missing: Iceberg's name in --catalog, e.g. db.W;",
          "a Delta table's location, e.g. hdfs://nn/tables/W or s3a://bucket/W."})
  String table;

  @Option(names = "--catalog", defaultValue = "hypernet", paramLabel = "NAME",
      description = {"The Iceberg catalog holding --table (default ${DEFAULT-VALUE}), set up",
          "as in Spark: --conf spark.sql.catalog.NAME.type=hadoop|hive|rest|jdbc and its",
          "settings (.warehouse, .uri, ...), or --warehouse."})
  String catalog;

  @Option(names = "--warehouse", paramLabel = "PATH",
      description = "A Hadoop catalog on PATH (a local, hdfs:// or s3a:// directory): the same "
          + "as --conf spark.sql.catalog.NAME.type=hadoop --conf ....warehouse=PATH.")
  String warehouse;

  @Option(names = "--rejects", paramLabel = "PATH",
      description = "Rejected rows (input columns + reason). Default: <output>/_rejects; "
          + "inside the output only under a name starting with '_'. Required with a table: "
          + "each run's rejects go to PATH/<run id>, named in the table's commit summary.")
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

  @Option(names = "--mode", defaultValue = "error",
      paramLabel = "error|overwrite|append|overwrite-partitions", converter = WriteMode.Name.class,
      description = {"When the output exists: error (exit 2, default) or overwrite. A table",
          "also takes append, and overwrite-partitions (replace the config_ids written)."})
  WriteMode mode;

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
      spark = SparkSessions.start("hypernet run", master, sparkSettings());
      if (outputFormat == OutputFormat.ICEBERG) {
        settings = settings.intoTable(icebergTarget(spark));
      } else if (outputFormat == OutputFormat.DELTA) {
        settings = settings.intoTable(new DeltaTarget(table, mode.table()));
      }
      RunReport report = new ReconcileJob(spark, settings).run();
      LastRunReport.write(spark.sparkContext().hadoopConfiguration(), reportAnchor(),
          report.toJson());
      spec.commandLine().getOut().println("hypernet run " + report.summary(
          outputFormat == OutputFormat.PARQUET ? report.output() : report.rejects()));
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
    LastRunReport.write(hadoop, reportAnchor(), LastRunReport.Failure.of(reason, applicationId,
        input, configs, output != null ? output : table).toJson());
  }

  /** The last-run report lies next to the output directory, or a table's rejects. */
  private String reportAnchor() {
    return output != null ? output : rejects;
  }

  /** --conf, plus the Hadoop catalog that --warehouse stands for. */
  private Map<String, String> sparkSettings() {
    Map<String, String> settings = new LinkedHashMap<>(sparkConf.settings());
    if (warehouse != null) {
      settings.put("spark.sql.catalog." + catalog + ".type", "hadoop");
      settings.put("spark.sql.catalog." + catalog + ".warehouse", warehouse);
    }
    return settings;
  }

  private IcebergTarget icebergTarget(SparkSession spark) {
    try {
      return IcebergTarget.fromSparkConf(spark.sparkContext().getConf(), catalog, table,
          mode.table());
    } catch (IllegalArgumentException e) {
      throw JobFailure.invalidInput(e.getMessage() + ", or give --warehouse PATH");
    }
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
    checkDestination();
    return new RunSettings(
        new RunSettings.Paths(inputPaths(), configs, configColumns, output, rejects),
        options, new RunSettings.Output(mode.directory(), writer, codecs, maxRowsPerFile, null),
        new RunSettings.BadRows(onBadRow == BadRowPolicy.FAIL, maxRejectFraction),
        maxWeightsMb << 20);
  }

  /** A directory or a table, each with the options that apply to it. */
  private void checkDestination() {
    if (outputFormat == OutputFormat.PARQUET) {
      if (output == null) {
        throw JobFailure.invalidInput("--output is required (or --output-format iceberg or "
            + "delta with --table)");
      }
      if (table != null || warehouse != null) {
        throw JobFailure.invalidInput((table != null ? "--table" : "--warehouse")
            + " applies to --output-format iceberg" + (table != null ? " or delta" : ""));
      }
      if (mode.directory() == null) {
        throw JobFailure.invalidInput("--mode " + mode.label() + " applies to a table; an "
            + "output directory takes error or overwrite");
      }
      return;
    }
    String format = outputFormat.name().toLowerCase(Locale.ROOT);
    if (output != null) {
      throw JobFailure.invalidInput("--output names a directory; with --output-format "
          + format + " the rows go to --table");
    }
    if (table == null || rejects == null) {
      throw JobFailure.invalidInput("--output-format " + format + " needs --table "
          + (outputFormat == OutputFormat.DELTA ? "LOCATION" : "NAMESPACE.TABLE") + " and "
          + "--rejects PATH (a directory for each run's rejected rows)");
    }
    if (writer != RunSettings.Writer.BULK) {
      throw JobFailure.invalidInput("--writer spark writes directories only; a table is "
          + "written by the bulk writer");
    }
    if (outputFormat == OutputFormat.DELTA) {
      if (warehouse != null) {
        throw JobFailure.invalidInput("--warehouse sets up an Iceberg catalog; a Delta table is "
            + "named by its location alone, --table LOCATION");
      }
      return;
    }
    try {
      new IcebergTarget(catalog, Map.of(), table, mode.table());
    } catch (IllegalArgumentException e) {
      throw JobFailure.invalidInput("--table: " + e.getMessage());
    }
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

  /** {@code --output-format}. */
  enum OutputFormat { PARQUET, ICEBERG, DELTA }

  /** {@code --mode}: a directory's modes are a table's first two. */
  enum WriteMode {
    ERROR(OutputPublisher.Mode.ERROR, TableMode.ERROR),
    OVERWRITE(OutputPublisher.Mode.OVERWRITE, TableMode.OVERWRITE),
    APPEND(null, TableMode.APPEND),
    OVERWRITE_PARTITIONS(null, TableMode.OVERWRITE_PARTITIONS);

    private final OutputPublisher.Mode directory;
    private final TableMode table;

    WriteMode(OutputPublisher.Mode directory, TableMode table) {
      this.directory = directory;
      this.table = table;
    }

    /** The mode for an output directory; null when it applies to tables only. */
    OutputPublisher.Mode directory() {
      return directory;
    }

    TableMode table() {
      return table;
    }

    String label() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** Parses {@code overwrite-partitions} as well as the enum's names. */
    static final class Name implements CommandLine.ITypeConverter<WriteMode> {
      @Override
      public WriteMode convert(String value) {
        for (WriteMode mode : values()) {
          if (mode.label().equalsIgnoreCase(value) || mode.name().equalsIgnoreCase(value)) {
            return mode;
          }
        }
        throw new CommandLine.TypeConversionException("expected one of error, overwrite, "
            + "append, overwrite-partitions but was '" + value + "'");
      }
    }
  }
}
