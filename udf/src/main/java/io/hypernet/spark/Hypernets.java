package io.hypernet.spark;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The library's entry point, the same from Java, Scala and Python (py4j): configurations
 * ({@link HypernetConfigs}), w vectors as a DataFrame and {@link ReconcileOptions} in, W out as
 * DataFrames, batched per partition on each executor's engine. The batch job, the ML
 * Transformer and the SQL function are callers of these two methods.
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
    HypernetCatalog catalog = catalog(spark, configs, options);
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
    ReconcileOptions options = withId.withColumns(null, withId.configColumn(), withId.wColumn());
    HypernetReconciler.withWSchema(input.schema(), options, outputColumn, onBadRow); // before work
    HypernetCatalog catalog = catalog(spark, configs, options);
    return HypernetReconciler.withW(spark, input, catalog, options, outputColumn, onBadRow,
        new ReconcileMetrics(spark.sparkContext()));
  }

  static HypernetCatalog catalog(SparkSession spark, HypernetConfigs configs,
      ReconcileOptions options) {
    if (configs.size() == 0) {
      throw new InvalidConfigsException("configs " + configs.source()
          + " holds no configurations", null);
    }
    return HypernetCatalog.build(spark, configs.validate(options.sizeLimits()));
  }
}
