package io.hypernet.spark;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructType;

/**
 * The library's entry point, the same from Java, Scala and Python (py4j): configurations
 * ({@link HypernetConfigs}), w vectors as a DataFrame and {@link ReconcileOptions} in, W out as
 * DataFrames, batched per partition on each executor's engine. The batch job and the ML
 * Transformer are callers of these two methods; the SQL function ({@link HypernetSql}) shares
 * their configurations, executor cache and classification order, one row at a time.
 */
public final class Hypernets {
  private Hypernets() {}

  /**
   * W by id: {@code id, config_id, n, D, W} rows, the rejected rows with their reasons, and the
   * counts, all lazy; in = reconciled + rejected. Close the result after the last action on it:
   * that releases the broadcast hypernet recipes.
   *
   * @throws InvalidConfigsException there are no configurations
   * @throws UnreadableWeightsException a configured weights file cannot be read
   * @throws InputSchemaException the input lacks a column or has one of the wrong type
   */
  public static Reconciliation reconcile(Dataset<Row> input, HypernetConfigs configs,
      ReconcileOptions options) {
    SparkSession spark = input.sparkSession();
    HypernetCatalog catalog = HypernetCatalog.of(spark, configs, options);
    try {
      return HypernetReconciler.reconcile(spark, input, catalog, options);
    } catch (RuntimeException e) {
      catalog.close();
      throw e;
    }
  }

  /**
   * Every input row, its columns unchanged, with W appended as {@code outputColumn}; a row that
   * cannot be reconciled is kept with W null and its reason, dropped, or fails the job, as
   * {@code onBadRow} says. Rows need no id: the id column of {@code options} is ignored. The
   * broadcast recipes live as long as the returned DataFrame: Spark's cleaner releases them once
   * it is unreachable.
   */
  public static Dataset<Row> withW(Dataset<Row> input, HypernetConfigs configs,
      ReconcileOptions withId, String outputColumn, OnBadRow onBadRow) {
    SparkSession spark = input.sparkSession();
    ReconcileOptions options = withoutId(withId);
    HypernetReconciler.withWSchema(input.schema(), options, outputColumn, onBadRow); // before work
    HypernetCatalog catalog = HypernetCatalog.of(spark, configs, options);
    return HypernetReconciler.withW(spark, input, catalog, options, outputColumn, onBadRow,
        new ReconcileMetrics(spark.sparkContext()));
  }

  /**
   * The schema {@link #withW} returns for an input of schema {@code input}, checked without
   * running anything.
   *
   * @throws InputSchemaException an input column is missing or of the wrong type, or an added
   *     column already exists
   */
  public static StructType withWSchema(StructType input, ReconcileOptions withId,
      String outputColumn, OnBadRow onBadRow) {
    return HypernetReconciler.withWSchema(input, withoutId(withId), outputColumn, onBadRow);
  }

  /**
   * The schema of {@link Reconciliation#reconciled()} for ids of {@code idType}:
   * {@code id, config_id, n, D, W} (REFERENCE.md, "Output layout").
   */
  public static StructType outputSchema(DataType idType, ReconcileOptions options) {
    return OutputSchema.of(idType, options);
  }

  private static ReconcileOptions withoutId(ReconcileOptions options) {
    return options.withColumns(null, options.configColumn(), options.wColumn());
  }
}
