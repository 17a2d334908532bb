package io.hypernet.job.run;

import io.hypernet.job.failure.JobFailure;
import io.hypernet.job.io.OutputPublisher;
import io.hypernet.job.io.ParquetInputs;
import io.hypernet.job.io.PathGuard;
import io.hypernet.job.io.RunLease;
import io.hypernet.job.io.Publication;
import io.hypernet.job.report.ProgressListener;
import io.hypernet.job.report.RunReport;
import io.hypernet.job.report.StagedCounts;
import io.hypernet.spark.HypernetConfigs;
import io.hypernet.spark.Hypernets;
import io.hypernet.spark.InvalidConfigsException;
import io.hypernet.spark.ReconcileMetrics;
import io.hypernet.spark.ReconcileOptions;
import io.hypernet.spark.Reconciliation;
import io.hypernet.spark.UnreadableWeightsException;
import io.hypernet.spark.WrittenRows;
import io.hypernet.spark.internal.TestHooks;
import io.hypernet.table.IcebergTarget;
import io.hypernet.table.TableCommit;
import io.hypernet.table.TableConflictException;
import io.hypernet.table.TableTarget;
import io.hypernet.table.TableWrite;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run of the batch job: read and validate, broadcast the hypernets' recipes, reconcile and
 * write to staging, check the accounting and the policies, then publish output and rejects as one
 * unit.
 */
public final class ReconcileJob {
  private static final Logger LOG = LoggerFactory.getLogger(ReconcileJob.class);

  private final SparkSession spark;
  private final RunSettings settings;
  private final RunSettings.Paths paths;
  private final Map<String, Long> durations = new LinkedHashMap<>();
  private long phaseStart;

  public ReconcileJob(SparkSession spark, RunSettings settings) {
    this.spark = spark;
    this.settings = settings;
    this.paths = settings.paths();
  }

  public RunReport run() {
    long start = System.nanoTime();
    phaseStart = start;
    Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    // Unique per attempt: a retried YARN attempt keeps its application id.
    String runId = spark.sparkContext().applicationId() + "-"
        + UUID.randomUUID().toString().substring(0, 8);
    return settings.output().table() != null ? runIntoTable(hadoop, runId, start)
        : runIntoDirectory(hadoop, runId, start);
  }

  private RunReport runIntoDirectory(Configuration hadoop, String runId, long start) {
    String rejectsInOutput = new PathGuard(hadoop).check(paths.inputs(), paths.configs(),
        paths.output(), paths.rejects());
    OutputPublisher.Mode mode = settings.output().mode();
    OutputPublisher output = dataset("output", paths.output(), runId, hadoop, mode);
    OutputPublisher rejectsOut = rejectsInOutput != null ? null
        : dataset("rejects", paths.rejects(), runId, hadoop, mode);
    try (Publication publication = new Publication(hadoop, runId, rejectsOut == null
        ? List.of(output) : List.of(rejectsOut, output))) {
      publication.prepare();
      String rejectsStaging = rejectsOut == null ? output.staging(rejectsInOutput)
          : rejectsOut.staging();
      String rejectsTarget = rejectsOut == null ? output.target() + "/" + rejectsInOutput
          : rejectsOut.target();
      RunReport report = stage(new StagedDirectory(output), rejectsStaging, rejectsTarget,
          start);
      writeReport(output, report);
      publication.publish();
      LOG.info("published {}", output.target());
      return report;
    } catch (IOException e) {
      throw new JobFailure(1, "publishing " + output.target() + " failed: " + e.getMessage()
          + "; a publish that had begun is completed by the next run into it", e);
    }
  }

  /**
   * Into a table: once the run is accounted, its rejects are published under {@code
   * <rejects>/<run id>}, then its rows committed in one snapshot whose summary names them, so
   * every snapshot's rejects exist. A commit that fails takes the rejects back.
   */
  private RunReport runIntoTable(Configuration hadoop, String runId, long start) {
    TableTarget target = settings.output().table();
    String rejectsPath = paths.rejects() + "/" + runId;
    new PathGuard(hadoop).check(paths.inputs(), paths.configs(), rejectsPath, null);
    // A new directory per run: a table's earlier runs keep their rejects.
    OutputPublisher rejectsOut = dataset("rejects", rejectsPath, runId, hadoop,
        OutputPublisher.Mode.ERROR);
    try (Publication publication = new Publication(hadoop, runId, List.of(rejectsOut));
        TableRun table = new TableRun(target, runId, hadoop)) {
      publication.prepare();
      RunReport report = stage(table, rejectsOut.staging(), rejectsOut.target(), start);
      writeReport(rejectsOut, report);
      publication.publish();
      TestHooks.afterPublishStep("table-files");
      TableCommit commit;
      try {
        commit = table.commit(report, rejectsOut.target());
      } catch (IOException | RuntimeException e) {
        withdraw(rejectsOut.target(), hadoop);
        throw e;
      }
      TestHooks.afterPublishStep("table-commit");
      LOG.info("committed {} {} of {}; rejects in {}", target.format().equals("delta")
          ? "version" : "snapshot", commit.commitId(), commit.table(), rejectsOut.target());
      return report;
    } catch (IOException e) {
      throw new JobFailure(1, "writing table " + target.table() + " failed: " + e.getMessage(),
          e);
    }
  }

  /** Removes the published rejects of a run whose rows were not committed. */
  private static void withdraw(String rejects, Configuration hadoop) {
    Path path = new Path(rejects);
    try {
      path.getFileSystem(hadoop).delete(path, true);
    } catch (IOException e) {
      LOG.warn("could not remove {}, the rejects of a run that did not commit: {}", rejects,
          e.toString());
    }
  }

  private static void writeReport(OutputPublisher dataset, RunReport report) throws IOException {
    dataset.writeText("_report.json", report.toJson());
  }

  /** Everything up to a complete, accounted staging; returns its report. */
  private RunReport stage(Destination output, String rejectsPath, String rejectsTarget,
      long start) {
    HypernetConfigs configs;
    try {
      configs = HypernetConfigs.read(spark, paths.configs(), paths.configColumns());
    } catch (InvalidConfigsException e) {
      throw new JobFailure(JobFailure.INVALID_INPUT, e.getMessage(), e);
    }
    Dataset<Row> input = ParquetInputs.readVectors(spark, paths.inputs());
    long rowsIn = ParquetInputs.rowCount(spark, input, paths.inputs());
    String inputs = String.join(", ", paths.inputs());
    phase("read_inputs");

    try (Reconciliation result = reconcile(input, configs)) {
      output.begin(result);
      phase("build_broadcast");
      try {
        LOG.info("reconciling {} rows of {} into {}", rowsIn, inputs, output.target());
        WrittenRows writtenByTasks;
        ProgressListener progress = new ProgressListener(rowsIn,
            ReconcileMetrics.ROWS_ACCUMULATORS, 10_000);
        spark.sparkContext().addSparkListener(progress);
        try {
          writtenByTasks = output.write(result);
        } finally {
          spark.sparkContext().removeSparkListener(progress);
        }
        phase("reconcile_write");
        if (result.metrics().rowsRejected() > 0) {
          result.rejected().write().parquet(rejectsPath);
        } else {
          // The pass saw no bad row: an empty rejects dataset, without reading the input again.
          spark.createDataFrame(List.of(), result.rejected().schema()).write().parquet(rejectsPath);
        }
        phase("write_rejects");

        StagedCounts counts = StagedCounts.read(spark, writtenByTasks, output.files(),
            rejectsPath, settings.options().idColumn(), settings.options().configColumn());
        RunReport report = account(rowsIn, counts, output.target(), rejectsTarget, result,
            start);
        enforcePolicies(report, counts);
        return report;
      } catch (IOException e) {
        throw new JobFailure(1, "writing " + output.target() + " failed: " + e.getMessage(), e);
      } catch (JobFailure e) {
        throw e;
      } catch (Exception e) { // Spark rethrows its checked SparkException undeclared
        throw ParquetInputs.unreadableInputOr(e, "input", paths.inputs());
      }
    }
  }

  /** Where the reconciled rows are staged until the run is accounted. */
  private interface Destination {
    /** What the report names as the output. */
    String target();

    /** Before any row is computed: checks that the destination takes the rows. */
    default void begin(Reconciliation result) {}

    /** Writes the rows; returns the writer's count of them, or null to count the files. */
    WrittenRows write(Reconciliation result) throws IOException;

    /** The staged files, whose footers the accounting reads. */
    String files();
  }

  /** A directory published by renaming its staging into place. */
  private final class StagedDirectory implements Destination {
    private final OutputPublisher output;

    StagedDirectory(OutputPublisher output) {
      this.output = output;
    }

    @Override
    public String target() {
      return output.target();
    }

    @Override
    public WrittenRows write(Reconciliation result) throws IOException {
      RunSettings.Output format = settings.output();
      if (format.writer() == RunSettings.Writer.BULK) {
        return result.writeParquet(output.staging(), format.compression(),
            format.maxRowsPerFile(), spark.sparkContext().hadoopConfiguration());
      }
      result.reconciled().write()
          .option("compression", codecName(format.compression().keys()))
          .option("maxRecordsPerFile", format.maxRowsPerFile())
          .parquet(output.staging());
      return null; // the stock writer's output is counted from its files
    }

    @Override
    public String files() {
      return output.staging();
    }
  }

  /**
   * An Iceberg or Delta table: this run's data files, committed as one snapshot once accounted. The run
   * holds a lease in its data directory, so that the next run into the table removes the files
   * of one killed before its commit, and only those.
   */
  private final class TableRun implements Destination, AutoCloseable {
    private static final String LEASE = "_hypernet.lease";
    private final TableTarget target;
    private final String runId;
    private final Configuration hadoop;
    private TableWrite write;
    private RunLease lease;

    TableRun(TableTarget target, String runId, Configuration hadoop) {
      this.target = target;
      this.runId = runId;
      this.hadoop = hadoop;
    }

    @Override
    public String target() {
      if (write != null) {
        return write.name();
      }
      return target instanceof IcebergTarget iceberg ? iceberg.catalog() + "." + iceberg.table()
          : target.table();
    }

    @Override
    public void begin(Reconciliation result) {
      try {
        write = result.beginTable(target, runId, hadoop);
      } catch (IllegalArgumentException | UnsupportedOperationException e) {
        throw new JobFailure(JobFailure.INVALID_INPUT, e.getMessage(), e);
      }
      LOG.info("writing table {}: this run's files go to {}", write.name(),
          write.dataDirectory());
      try {
        // Before any file: a run whose directory has a lease is one a later run may clean up.
        lease = RunLease.take(hadoop, List.of(new Path(write.dataDirectory(), LEASE)));
        write.removeAbandoned(this::ended);
      } catch (IOException e) {
        throw new JobFailure(1, "preparing the write into table " + write.name() + " failed: "
            + e.getMessage(), e);
      }
    }

    /** A run directory whose lease its run left behind when it died; none: a library's write. */
    private boolean ended(String runDirectory) {
      Path runLease = new Path(runDirectory, LEASE);
      try {
        FileSystem fs = runLease.getFileSystem(hadoop);
        return fs.exists(runLease) && !RunLease.isAlive(fs, runLease);
      } catch (IOException e) {
        LOG.warn("cannot tell whether the run of {} ended: {}", runDirectory, e.toString());
        return false;
      }
    }

    @Override
    public WrittenRows write(Reconciliation result) throws IOException {
      RunSettings.Output format = settings.output();
      return result.writeParquet(write, format.compression(), format.maxRowsPerFile(), hadoop);
    }

    @Override
    public String files() {
      return write.dataDirectory();
    }

    /** The report's counts, the run id and the rejects go into the snapshot's summary. */
    TableCommit commit(RunReport report, String rejects) throws IOException {
      Map<String, String> summary = new LinkedHashMap<>();
      summary.put("hypernet.run-id", runId);
      summary.put("hypernet.rows-in", Long.toString(report.rowsIn()));
      summary.put("hypernet.rows-written", Long.toString(report.rowsWritten()));
      summary.put("hypernet.rows-rejected", Long.toString(report.rowsRejected()));
      summary.put("hypernet.rejects", rejects);
      summary.put("hypernet.report", rejects + "/_report.json");
      try {
        return write.commit(summary);
      } catch (TableConflictException e) {
        throw new JobFailure(1, e.getMessage() + "; run it again", e);
      }
    }

    @Override
    public void close() {
      if (lease != null) {
        lease.close();
      }
      if (write != null) {
        write.close();
      }
    }
  }

  private OutputPublisher dataset(String role, String path, String runId,
      Configuration hadoop, OutputPublisher.Mode mode) {
    Path target = new Path(path);
    try {
      return new OutputPublisher(role, target.getFileSystem(hadoop), target, runId, mode);
    } catch (IOException e) {
      throw new JobFailure(JobFailure.INVALID_INPUT, role + " path " + path
          + " cannot be used: " + e.getMessage(), e);
    }
  }

  private Reconciliation reconcile(Dataset<Row> input, HypernetConfigs configs) {
    ReconcileOptions options = settings.maxWeightsBytes() > 0
        ? settings.options().withMaxWeightsBytes(settings.maxWeightsBytes()) : settings.options();
    try {
      return Hypernets.reconcile(input, configs, options);
    } catch (InvalidConfigsException e) {
      throw new JobFailure(JobFailure.INVALID_INPUT, e.getMessage(), e);
    } catch (UnreadableWeightsException e) {
      throw new JobFailure(JobFailure.INVALID_INPUT, "configs " + paths.configs() + ", "
          + e.getMessage(), e);
    } catch (IllegalArgumentException e) {
      throw JobFailure.invalidInput("input " + String.join(", ", paths.inputs()) + ": "
          + e.getMessage());
    }
  }

  /** Counts what is actually in the staged files and checks in = written + rejected. */
  private RunReport account(long rowsIn, StagedCounts counts, String outputPath,
      String rejectsPath, Reconciliation result, long start) {
    phase("accounting");
    durations.put("total", (System.nanoTime() - start) / 1_000_000);
    RunReport report = RunReport.builder().status("succeeded")
        .application(spark.sparkContext().applicationId(), spark.sparkContext().master(),
            spark.version(), scala.util.Properties.versionNumberString())
        .paths(paths.inputs(), paths.configs(), outputPath, rejectsPath)
        .engines(settings.options().engine().label(), result.metrics().engines(),
            result.metrics().enginesByStage(), result.metrics().gpuByStage())
        .writing(settings.options().batchSize(), writerLabel())
        .rows(rowsIn, counts)
        .configurations(result.configurations(), result.invalidConfigs())
        .durationsMs(new LinkedHashMap<>(durations)).build();
    if (!report.accountingHolds()) {
      throw new JobFailure(1, "accounting failed: " + rowsIn + " rows in, "
          + counts.written() + " written + " + counts.rejected() + " rejected in the files, "
          + "per configuration " + counts.perConfig() + "; nothing was published");
    }
    return report;
  }

  private void enforcePolicies(RunReport report, StagedCounts counts) {
    if (settings.badRows().failOnBadRow() && report.duplicates().keys() > 0) {
      throw new JobFailure(JobFailure.POLICY_VIOLATION, report.duplicates().keys()
          + " id(s) occur more than once within a configuration under --on-bad-row fail, e.g. "
          + report.duplicates().examples().get(0) + "; nothing was published");
    }
    if (report.rowsRejected() == 0) {
      return;
    }
    if (settings.badRows().failOnBadRow()) {
      throw new JobFailure(JobFailure.POLICY_VIOLATION, report.rowsRejected()
          + " bad row(s) under --on-bad-row fail " + report.rejectedByReason() + ", e.g. "
          + counts.firstReject() + "; nothing was published");
    }
    double fraction = (double) report.rowsRejected() / report.rowsIn();
    if (fraction > settings.badRows().maxRejectFraction()) {
      throw new JobFailure(JobFailure.POLICY_VIOLATION, String.format(java.util.Locale.ROOT,
          "%d of %d rows rejected (%.4f) exceeds --max-reject-fraction %s %s, e.g. %s; "
              + "nothing was published", report.rowsRejected(), report.rowsIn(), fraction,
          settings.badRows().maxRejectFraction(), report.rejectedByReason(), counts.firstReject()));
    }
  }

  /** The report's writer: "bulk/snappy, W uncompressed", or "spark/snappy" (one codec). */
  private String writerLabel() {
    RunSettings.Output format = settings.output();
    String label = format.writer().name().toLowerCase(Locale.ROOT) + "/"
        + codecName(format.compression().keys());
    return format.writer() == RunSettings.Writer.BULK
        ? label + ", W " + codecName(format.compression().w()) : label;
  }

  private static String codecName(CompressionCodecName codec) {
    return codec.name().toLowerCase(Locale.ROOT);
  }

  private void phase(String name) {
    long now = System.nanoTime();
    durations.put(name, (now - phaseStart) / 1_000_000);
    phaseStart = now;
  }
}
