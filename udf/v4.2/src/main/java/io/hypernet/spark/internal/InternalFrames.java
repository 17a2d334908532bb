package io.hypernet.spark.internal;

import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.types.StructType;

/**
 * DataFrames over rows already in Spark's internal format, on Spark 4, where that constructor
 * moved to the classic (non-Connect) session.
 */
public final class InternalFrames {
  private InternalFrames() {}

  /**
   * A DataFrame of {@code rows}, which must match {@code schema}; no per-row conversion.
   *
   * @throws UnsupportedOperationException for a Spark Connect session, which has no RDDs
   */
  public static Dataset<Row> of(SparkSession spark, RDD<InternalRow> rows, StructType schema) {
    if (!(spark instanceof org.apache.spark.sql.classic.SparkSession classic)) {
      throw new UnsupportedOperationException("hypernet-spark runs on a classic SparkSession, "
          + "not on Spark Connect (" + spark.getClass().getName() + "): it needs the session's "
          + "RDDs; start the driver without spark.api.mode=connect / spark.remote");
    }
    return classic.internalCreateDataFrame(rows, schema, false);
  }
}
