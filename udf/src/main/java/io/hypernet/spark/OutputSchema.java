package io.hypernet.spark;

import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** The reconciled rows' schema, shared by the Dataset and the bulk writer's footers. */
final class OutputSchema {
  private OutputSchema() {}

  /**
   * id (the input's type), config_id, n, D, W as array&lt;float&gt; row-major (REFERENCE.md,
   * "Output layout").
   */
  static StructType of(DataType idType, ReconcileOptions options) {
    return new StructType()
        .add(options.idColumn(), idType, false)
        .add(options.configColumn(), DataTypes.StringType, false)
        .add("n", DataTypes.IntegerType, false)
        .add("D", DataTypes.IntegerType, false)
        .add("W", DataTypes.createArrayType(DataTypes.FloatType, false), false);
  }
}
