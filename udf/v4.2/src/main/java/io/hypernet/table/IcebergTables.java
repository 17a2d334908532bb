package io.hypernet.table;

import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.types.StructType;

/** Iceberg output on the Spark 4.2 line: refused, for want of an Iceberg runtime for it. */
public final class IcebergTables {
  private IcebergTables() {}

  /**
   * @throws UnsupportedOperationException always: Spark could not read the table back
   */
  public static TableWrite begin(IcebergTarget target, StructType schema, String runId,
      Configuration hadoop) {
    throw new UnsupportedOperationException("Iceberg output needs the Spark 3.5 build: Iceberg "
        + "publishes no Spark runtime for Spark 4.2 (its newest is for 4.1), so Spark 4.2 could "
        + "not read table " + target.catalog() + "." + target.table() + " back; run it with "
        + "HYPERNET_SPARK=3.5, or write Parquet");
  }
}
