package io.hypernet.bench.spark;

import io.hypernet.job.sample.SampleData;
import io.hypernet.spark.HypernetConfigs;
import io.hypernet.spark.HypernetSql;
import io.hypernet.spark.Hypernets;
import io.hypernet.spark.OnBadRow;
import io.hypernet.spark.ReconcileOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SQL function against the batched path on the same rows: both compute every W and hand it
 * to Spark's no-op sink, so what differs is one engine call per row (plus Spark's boxing of
 * each returned float[]) against one per batch. Runs alternate, after one untimed run of each.
 */
public final class SqlBenchmark {
  private static final Logger LOG = LoggerFactory.getLogger(SqlBenchmark.class);

  /** One timed run: which path, wall and process CPU seconds. */
  public record Run(String path, double seconds, double cpuSeconds) {}

  private final SparkSession spark;
  private final String dir;
  private final long rows;
  private final int partitions;
  private final int repeats;

  public SqlBenchmark(SparkSession spark, String dir, long rows, int partitions, int repeats) {
    this.spark = spark;
    this.dir = dir;
    this.rows = rows;
    this.partitions = partitions;
    this.repeats = repeats;
  }

  public List<Run> run() {
    SampleData.write(spark, new SampleData.Spec(rows, 1, 64, 32, 128, 128, 42, 0, partitions),
        dir + "/input");
    HypernetConfigs configs = HypernetConfigs.read(spark, dir + "/input/configs");
    Dataset<Row> vectors = spark.read().parquet(dir + "/input/w");
    HypernetSql.register(spark, configs);
    vectors.createOrReplaceTempView("bench_vectors");
    Dataset<Row> batched = Hypernets.withW(vectors, configs,
        ReconcileOptions.defaults(), "W_matrix",
        OnBadRow.DROP).select("id", "W_matrix");
    Dataset<Row> sql =
        spark.sql("SELECT id, hypernet_reconcile(config_id, w) AS W FROM bench_vectors");
    time("batched", batched); // untimed: the JIT and the executor cache
    time("sql", sql);
    List<Run> runs = new ArrayList<>();
    for (int i = 0; i < repeats; i++) {
      runs.add(time("batched", batched));
      runs.add(time("sql", sql));
    }
    return runs;
  }

  private Run time(String path, Dataset<Row> w) {
    long start = System.nanoTime();
    ProcessCpu cpu = ProcessCpu.now();
    w.write().format("noop").mode("overwrite").save();
    Run run = new Run(path, (System.nanoTime() - start) / 1e9,
        ProcessCpu.now().since(cpu).totalSeconds());
    LOG.info("bench: {} path: {} rows in {} s, {} s CPU", path, rows,
        String.format(Locale.ROOT, "%.2f", run.seconds()),
        String.format(Locale.ROOT, "%.2f", run.cpuSeconds()));
    return run;
  }

  /** Each pair's times, and sql ÷ batched by wall and by CPU time. */
  public String table(List<Run> runs) {
    StringBuilder out = new StringBuilder(String.format(Locale.ROOT,
        "| pair | batched s (CPU) | sql s (CPU) | sql ÷ batched, wall | sql ÷ batched, CPU |%n"
            + "|---:|---:|---:|---:|---:|%n"));
    for (int i = 0; i + 1 < runs.size(); i += 2) {
      Run batched = runs.get(i);
      Run sql = runs.get(i + 1);
      out.append(String.format(Locale.ROOT, "| %d | %.2f (%.2f) | %.2f (%.2f) | %.2f | %.2f |%n",
          i / 2 + 1, batched.seconds(), batched.cpuSeconds(), sql.seconds(), sql.cpuSeconds(),
          sql.seconds() / batched.seconds(), sql.cpuSeconds() / batched.cpuSeconds()));
    }
    return out.toString();
  }
}
