package io.hypernet.job.report;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.sum;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * What the staged files actually hold, counted by reading them back (not from accumulators,
 * which count retried attempts twice): the numbers the accounting check and the report use.
 *
 * @param perConfig written and rejected rows per config_id (null config_id as "&lt;null&gt;")
 * @param firstReject one rejected row, "id=…, config_id=…: detail", for messages; null if none
 */
public record StagedCounts(long written, long rejected, Map<String, Long> rejectedByReason,
    Map<String, RunReport.ConfigCounts> perConfig, RunReport.Duplicates duplicates,
    String firstReject) {

  static final String NULL_KEY = "<null>";
  private static final int DUPLICATE_EXAMPLES = 10;

  /** Reads {@code outputPath} (id, config_id, ...) and {@code rejectsPath} (..., reason). */
  public static StagedCounts read(SparkSession spark, String outputPath, String rejectsPath,
      String idColumn, String configColumn) {
    Dataset<Row> output = spark.read().parquet(outputPath);
    Map<String, long[]> perConfig = new TreeMap<>();
    long written = 0;
    for (Row r : output.groupBy(configColumn).agg(count("*")).collectAsList()) {
      written += r.getLong(1);
      perConfig.computeIfAbsent(r.getString(0), k -> new long[2])[0] = r.getLong(1);
    }
    // The files, not the directory: Spark warns on reading a '_'-prefixed directory by name.
    Dataset<Row> rejects = spark.read().parquet(rejectsPath + "/*.parquet");
    Map<String, Long> byReason = new TreeMap<>();
    long rejected = 0;
    for (Row r : rejects.groupBy(col("reason"), col(configColumn)).agg(count("*"))
        .collectAsList()) {
      long n = r.getLong(2);
      rejected += n;
      byReason.merge(r.getString(0), n, Long::sum);
      String key = r.isNullAt(1) ? NULL_KEY : r.getString(1);
      perConfig.computeIfAbsent(key, k -> new long[2])[1] += n;
    }
    Map<String, RunReport.ConfigCounts> counts = new LinkedHashMap<>();
    perConfig.forEach((k, v) -> counts.put(k, new RunReport.ConfigCounts(v[0], v[1])));
    String firstReject = null;
    if (rejected > 0) {
      Row r = rejects.select(col(idColumn).cast("string"), col(configColumn),
          col("reason_detail")).first();
      firstReject = "id=" + r.getString(0) + ", config_id=" + r.getString(1) + ": "
          + r.getString(2);
    }
    return new StagedCounts(written, rejected, byReason, counts,
        duplicates(output, idColumn, configColumn), firstReject);
  }

  /** Keys (config_id, id) written more than once; only the two key columns are read. */
  private static RunReport.Duplicates duplicates(Dataset<Row> output, String idColumn,
      String configColumn) {
    Dataset<Row> repeated = output.groupBy(col(configColumn), col(idColumn).cast("string").as(idColumn))
        .count().filter(col("count").gt(1)).persist();
    try {
      Row totals = repeated.agg(count("*"), sum("count")).first();
      long keys = totals.getLong(0);
      if (keys == 0) {
        return RunReport.Duplicates.NONE;
      }
      List<RunReport.DuplicateKey> examples = new ArrayList<>();
      for (Row r : repeated.orderBy(col(configColumn), col(idColumn)).limit(DUPLICATE_EXAMPLES)
          .collectAsList()) {
        examples.add(new RunReport.DuplicateKey(r.getString(0), r.getString(1), r.getLong(2)));
      }
      return new RunReport.Duplicates(keys, totals.getLong(1), examples);
    } finally {
      repeated.unpersist();
    }
  }
}
