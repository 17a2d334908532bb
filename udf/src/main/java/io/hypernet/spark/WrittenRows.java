package io.hypernet.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Rows written per configuration, and the (config_id, id) keys written more than once, from one
 * aggregation over the key of every written row.
 *
 * @param perConfig rows written per config_id, sorted
 * @param duplicatedKeys keys that occur more than once within their configuration
 * @param duplicatedRows rows carrying such keys
 */
public record WrittenRows(Map<String, Long> perConfig, long duplicatedKeys,
    long duplicatedRows) {

  public long total() {
    return perConfig.values().stream().mapToLong(Long::longValue).sum();
  }

  /** Rows per key, as counted by {@link #count}: {@code count > 1} marks a duplicate. */
  public static Dataset<Row> rowsPerKey(Dataset<Row> keys, String configColumn,
      String idColumn) {
    // Few shuffle partitions: with the default 200, every map task over large files wrote 200
    // shuffle files, which made the key scan 4x slower than reading the keys (BENCHMARKS.md).
    return keys.select(col(configColumn), col(idColumn))
        .repartition(keys.sparkSession().sparkContext().defaultParallelism(),
            col(configColumn), col(idColumn))
        .groupBy(col(configColumn), col(idColumn)).count();
  }

  /** Evaluates {@code keys} (one row per written row) in one Spark job. */
  public static WrittenRows count(Dataset<Row> keys, String configColumn, String idColumn) {
    Column repeated = col("count").gt(1);
    Map<String, Long> perConfig = new TreeMap<>();
    long duplicatedKeys = 0;
    long duplicatedRows = 0;
    for (Row r : rowsPerKey(keys, configColumn, idColumn).groupBy(col(configColumn))
        .agg(sum("count"), sum(when(repeated, 1L).otherwise(0L)),
            sum(when(repeated, col("count")).otherwise(0L)))
        .collectAsList()) {
      perConfig.put(r.getString(0), r.getLong(1));
      duplicatedKeys += r.getLong(2);
      duplicatedRows += r.getLong(3);
    }
    return new WrittenRows(perConfig, duplicatedKeys, duplicatedRows);
  }
}
