package io.hypernet.job;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;

import io.hypernet.config.ConfigValidator;
import io.hypernet.config.SizeLimits;
import io.hypernet.job.io.OutputPublisher;
import io.hypernet.job.io.ParquetInputs;
import io.hypernet.job.report.ProgressListener;
import io.hypernet.job.report.RunReport;
import io.hypernet.spark.HypernetCatalog;
import io.hypernet.spark.HypernetReconciler;
import io.hypernet.spark.Reconciliation;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run of the batch job: read and validate, broadcast the hypernets, reconcile and write to
 * staging, check the accounting and the policies, then publish everything with one rename.
 */
public final class ReconcileJob {
  private static final Logger LOG = LoggerFactory.getLogger(ReconcileJob.class);
  private static final String REJECTS_DIR = "_rejects";
  private static final String NULL_KEY = "<null>";

  private final SparkSession spark;
  private final RunSettings settings;
  private final Map<String, Long> durations = new LinkedHashMap<>();
  private long phaseStart;

  public ReconcileJob(SparkSession spark, RunSettings settings) {
    this.spark = spark;
    this.settings = settings;
  }

  public RunReport run() {
    long start = System.nanoTime();
    phaseStart = start;
    String appId = spark.sparkContext().applicationId();
    OutputPublisher output = new OutputPublisher(spark.sparkContext().hadoopConfiguration(),
        settings.output(), appId, settings.mode());
    OutputPublisher rejectsOut = settings.rejectsInsideOutput() ? null
        : new OutputPublisher(spark.sparkContext().hadoopConfiguration(), settings.rejects(),
            appId, settings.mode());
    output.checkTarget();
    if (rejectsOut != null) {
      rejectsOut.checkTarget();
    }

    SizeLimits limits = settings.maxWeightsBytes() > 0
        ? new SizeLimits(settings.maxWeightsBytes()) : SizeLimits.forThisJvm();
    ConfigValidator.Result configs = new ConfigValidator(limits)
        .validate(ParquetInputs.readConfigs(spark, settings.configs()));
    if (configs.isEmpty()) {
      throw JobFailure.invalidInput("configs " + settings.configs() + " holds no configurations");
    }
    Dataset<Row> input = ParquetInputs.readVectors(spark, settings.input());
    long rowsIn = input.count();
    phase("read_inputs");

    try (HypernetCatalog catalog = HypernetCatalog.build(spark, configs)) {
      phase("build_broadcast");
      Reconciliation result;
      try {
        result = HypernetReconciler.reconcile(spark, input, catalog, settings.options());
      } catch (IllegalArgumentException e) {
        throw JobFailure.invalidInput("input " + settings.input() + ": " + e.getMessage());
      }
      String rejectsPath = rejectsOut == null ? output.staging(REJECTS_DIR) : rejectsOut.staging();
      try {
        LOG.info("reconciling {} rows of {} into {}", rowsIn, settings.input(), output.target());
        ProgressListener progress = new ProgressListener(rowsIn, 10_000);
        spark.sparkContext().addSparkListener(progress);
        try {
          result.reconciled().write().parquet(output.staging());
        } finally {
          spark.sparkContext().removeSparkListener(progress);
        }
        phase("reconcile_write");
        result.rejected().write().parquet(rejectsPath);
        phase("write_rejects");

        RunReport report = account(rowsIn, output, rejectsOut, rejectsPath, catalog, result,
            start);
        enforcePolicies(report);
        output.writeText("_report.json", report.toJson());
        if (rejectsOut != null) {
          rejectsOut.publish();
        }
        output.publish();
        LOG.info("published {}", output.target());
        return report;
      } catch (IOException e) {
        throw new JobFailure(1, "writing " + output.target() + " failed: " + e.getMessage(), e);
      } finally {
        output.discard();
        if (rejectsOut != null) {
          rejectsOut.discard();
        }
      }
    }
  }

  /** Counts what is actually in the staged files and checks in = written + rejected. */
  private RunReport account(long rowsIn, OutputPublisher output, OutputPublisher rejectsOut,
      String rejectsPath, HypernetCatalog catalog, Reconciliation result, long start) {
    String configColumn = settings.options().configColumn();
    Map<String, long[]> perConfig = new TreeMap<>();
    long written = 0;
    for (Row r : spark.read().parquet(output.staging()).groupBy(configColumn)
        .agg(count("*")).collectAsList()) {
      written += r.getLong(1);
      perConfig.computeIfAbsent(r.getString(0), k -> new long[2])[0] = r.getLong(1);
    }
    // The files, not the directory: Spark warns on reading a '_'-prefixed directory by name.
    Dataset<Row> rejected = spark.read().parquet(rejectsPath + "/*.parquet");
    Map<String, Long> byReason = new TreeMap<>();
    long rejectedRows = 0;
    for (Row r : rejected.groupBy(col("reason"), col(configColumn)).agg(count("*"))
        .collectAsList()) {
      long n = r.getLong(2);
      rejectedRows += n;
      byReason.merge(r.getString(0), n, Long::sum);
      String key = r.isNullAt(1) ? NULL_KEY : r.getString(1);
      perConfig.computeIfAbsent(key, k -> new long[2])[1] += n;
    }
    phase("accounting");
    durations.put("total", (System.nanoTime() - start) / 1_000_000);
    Map<String, RunReport.ConfigCounts> counts = new LinkedHashMap<>();
    perConfig.forEach((k, v) -> counts.put(k, new RunReport.ConfigCounts(v[0], v[1])));
    RunReport report = new RunReport("succeeded", spark.sparkContext().applicationId(),
        spark.sparkContext().master(), settings.input(), settings.configs(), output.target(),
        rejectsOut == null ? output.target() + "/" + REJECTS_DIR : rejectsOut.target(),
        settings.options().engine().label(), result.metrics().engines(),
        settings.options().batchSize(), rowsIn, written, rejectedRows, byReason, counts,
        catalog.validConfigs().size() + catalog.invalidConfigs().size(),
        catalog.invalidConfigs(), new LinkedHashMap<>(durations));
    if (!report.accountingHolds()) {
      throw new JobFailure(1, "accounting failed: " + rowsIn + " rows in but " + written
          + " written + " + rejectedRows + " rejected; nothing was published");
    }
    return report;
  }

  private void enforcePolicies(RunReport report) {
    if (report.rowsRejected() == 0) {
      return;
    }
    if (settings.failOnBadRow()) {
      throw new JobFailure(JobFailure.POLICY_VIOLATION, report.rowsRejected()
          + " bad row(s) under --on-bad-row fail " + report.rejectedByReason()
          + "; nothing was published");
    }
    double fraction = (double) report.rowsRejected() / report.rowsIn();
    if (fraction > settings.maxRejectFraction()) {
      throw new JobFailure(JobFailure.POLICY_VIOLATION, String.format(java.util.Locale.ROOT,
          "%d of %d rows rejected (%.4f) exceeds --max-reject-fraction %s %s; nothing was "
              + "published", report.rowsRejected(), report.rowsIn(), fraction,
          settings.maxRejectFraction(), report.rejectedByReason()));
    }
  }

  private void phase(String name) {
    long now = System.nanoTime();
    durations.put(name, (now - phaseStart) / 1_000_000);
    phaseStart = now;
  }
}
