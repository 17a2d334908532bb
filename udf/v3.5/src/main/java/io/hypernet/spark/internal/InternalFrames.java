package io.hypernet.spark.internal;

import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.types.StructType;

/** DataFrames over rows already in Spark's internal format, on Spark 3.5. */
public final class InternalFrames {
  private InternalFrames() {}

  /** A DataFrame of {@code rows}, which must match {@code schema}; no per-row conversion. */
  public static Dataset<Row> of(SparkSession spark, RDD<InternalRow> rows, StructType schema) {
    return spark.internalCreateDataFrame(rows, schema, false);
  }
}
