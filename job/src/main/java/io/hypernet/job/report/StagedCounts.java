package io.hypernet.job.report;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.hex;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.hypernet.job.io.ParquetFooters;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;

/**
 * What the staged files actually hold, counted by reading them back (not from accumulators,
 * which count retried attempts twice): the numbers the accounting check and the report use.
 *
 * @param perConfig written and rejected rows per config_id (null config_id as "&lt;null&gt;")
 * @param duplicates keys written more than once; a binary id is shown in hex
 * @param firstReject one rejected row, "id=…, config_id=…: detail", for messages; null if none
 */
public record StagedCounts(long written, long rejected, Map<String, Long> rejectedByReason,
    Map<String, RunReport.ConfigCounts> perConfig, RunReport.Duplicates duplicates,
    String firstReject) {

  static final String NULL_KEY = "<null>";
  private static final int DUPLICATE_EXAMPLES = 10;

  /** Reads {@code outputPath} (id, config_id, ...) and {@code rejectsPath} (..., reason). */
  public static StagedCounts read(SparkSession spark, String outputPath, String rejectsPath,
      String idColumn, String configColumn) throws IOException {
    // One job over the two key columns: rows per key, then per configuration the rows and the
    // keys seen more than once. Examples of duplicates are fetched only when there are some.
    // Few shuffle partitions: with the default 200, each of the many map tasks over the large
    // output files wrote 200 shuffle files, which took 4x longer than the scan (BENCHMARKS.md).
    Dataset<Row> keys = spark.read().parquet(outputPath)
        .select(col(configColumn), col(idColumn))
        .repartition(spark.sparkContext().defaultParallelism(), col(configColumn), col(idColumn))
        .groupBy(col(configColumn), col(idColumn)).count();
    Column repeated = col("count").gt(1);
    Map<String, long[]> perConfig = new TreeMap<>();
    long written = 0;
    long duplicatedKeys = 0;
    long duplicatedRows = 0;
    for (Row r : keys.groupBy(col(configColumn)).agg(sum("count"),
        sum(when(repeated, 1L).otherwise(0L)), sum(when(repeated, col("count")).otherwise(0L)))
        .collectAsList()) {
      written += r.getLong(1);
      perConfig.computeIfAbsent(r.getString(0), k -> new long[2])[0] = r.getLong(1);
      duplicatedKeys += r.getLong(2);
      duplicatedRows += r.getLong(3);
    }
    RunReport.Duplicates duplicates = duplicatedKeys == 0 ? RunReport.Duplicates.NONE
        : new RunReport.Duplicates(duplicatedKeys, duplicatedRows,
            examples(keys.filter(repeated), idColumn, configColumn));
    Map<String, Long> byReason = new TreeMap<>();
    long rejected = 0;
    String firstReject = null;
    if (ParquetFooters.rowCount(spark.sparkContext().hadoopConfiguration(), rejectsPath) > 0) {
      // The files, not the directory: Spark warns on reading a '_'-prefixed directory by name.
      Dataset<Row> rejects = spark.read().parquet(rejectsPath + "/*.parquet");
      for (Row r : rejects.groupBy(col("reason"), col(configColumn)).agg(count("*"))
          .collectAsList()) {
        long n = r.getLong(2);
        rejected += n;
        byReason.merge(r.getString(0), n, Long::sum);
        String key = r.isNullAt(1) ? NULL_KEY : r.getString(1);
        perConfig.computeIfAbsent(key, k -> new long[2])[1] += n;
      }
      Row r = rejects.select(col(idColumn).cast("string"), col(configColumn),
          col("reason_detail")).first();
      firstReject = "id=" + r.getString(0) + ", config_id=" + r.getString(1) + ": "
          + r.getString(2);
    }
    Map<String, RunReport.ConfigCounts> counts = new LinkedHashMap<>();
    perConfig.forEach((k, v) -> counts.put(k, new RunReport.ConfigCounts(v[0], v[1])));
    return new StagedCounts(written, rejected, byReason, counts, duplicates, firstReject);
  }

  /** The first duplicated keys, in (config_id, id) order. */
  private static List<RunReport.DuplicateKey> examples(Dataset<Row> repeated, String idColumn,
      String configColumn) {
    Column id = repeated.schema().apply(idColumn).dataType().equals(DataTypes.BinaryType)
        ? hex(col(idColumn)) : col(idColumn).cast("string");
    List<RunReport.DuplicateKey> examples = new ArrayList<>();
    for (Row r : repeated.orderBy(col(configColumn), col(idColumn)).limit(DUPLICATE_EXAMPLES)
        .select(col(configColumn), id, col("count")).collectAsList()) {
      examples.add(new RunReport.DuplicateKey(r.getString(0), r.getString(1), r.getLong(2)));
    }
    return examples;
  }
}
