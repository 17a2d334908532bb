package io.hypernet.job.report;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.hex;

import io.hypernet.spark.internal.ParquetFooters;
import io.hypernet.spark.WrittenRows;
import io.hypernet.text.BoundedText;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;

/**
 * What the staged files hold: row totals from their footers (not from accumulators, which can
 * count a re-run task twice), per configuration from the writing job's own key count or from the
 * files. The numbers the accounting check and the report use.
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

  /**
   * Counts {@code outputPath} (id, config_id, ...) and {@code rejectsPath} (..., reason). The
   * totals come from the files' footers; per configuration, the written rows come from
   * {@code writtenByTasks} (the bulk writer's count of the rows it wrote) or, when that is null,
   * from reading the keys back.
   */
  public static StagedCounts read(SparkSession spark, WrittenRows writtenByTasks,
      String outputPath, String rejectsPath, String idColumn, String configColumn)
      throws IOException {
    Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    long written = ParquetFooters.rowCount(hadoop, outputPath);
    WrittenRows keys = writtenByTasks != null ? writtenByTasks
        : WrittenRows.count(spark.read().parquet(outputPath), configColumn, idColumn);
    Map<String, long[]> perConfig = new TreeMap<>();
    keys.perConfig().forEach((config, rows) -> perConfig.put(config, new long[] {rows, 0}));
    // Examples are fetched (from the files) only when there are duplicates to show.
    RunReport.Duplicates duplicates = keys.duplicatedKeys() == 0 ? RunReport.Duplicates.NONE
        : new RunReport.Duplicates(keys.duplicatedKeys(), keys.duplicatedRows(),
            examples(WrittenRows.rowsPerKey(spark.read().parquet(outputPath), configColumn,
                idColumn).filter(col("count").gt(1)), idColumn, configColumn));
    Map<String, Long> byReason = new TreeMap<>();
    long rejected = 0;
    String firstReject = null;
    String[] rejectFiles = ParquetFooters.dataFilesIn(hadoop, rejectsPath);
    if (ParquetFooters.rowCount(hadoop, rejectFiles) > 0) {
      Dataset<Row> rejects = spark.read().parquet(rejectFiles);
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
      firstReject = "id=" + BoundedText.of(r.getString(0)) + ", config_id="
          + BoundedText.of(r.getString(1)) + ": " + BoundedText.of(r.getString(2));
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
