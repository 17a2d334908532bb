package io.hypernet.spark;

import io.hypernet.spark.internal.InternalColumns;
import static org.apache.spark.sql.functions.array_contains;
import static org.apache.spark.sql.functions.array_max;
import static org.apache.spark.sql.functions.array_min;
import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.length;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.substring;
import static org.apache.spark.sql.functions.when;

import io.hypernet.text.BoundedText;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Decides, with Spark SQL expressions, whether each input row can be reconciled: it joins the
 * row to its configuration and sets the reason (a {@link RejectReason} code) and its detail (a
 * sentence naming the values) to null for good rows, in {@link InternalColumns} that no input
 * column clashes with. Both the output and the rejects are filtered from this one classification,
 * so in = written + rejected by design.
 */
final class RowClassifier {

  private static final Set<DataType> ID_TYPES = Set.of(DataTypes.LongType, DataTypes.IntegerType,
      DataTypes.ShortType, DataTypes.ByteType, DataTypes.StringType, DataTypes.BinaryType);

  private RowClassifier() {}

  /** One check of the chain: when {@code condition} holds, the row is rejected. */
  private record Rule(RejectReason reason, Column condition, Column detail) {}

  static Dataset<Row> classify(Dataset<Row> input, Dataset<Row> configs, ReconcileOptions o,
      InternalColumns names) {
    StructType schema = input.schema();
    checkSchema(schema, o);
    Column wFloat = floatArray(col(o.wColumn()), typeOf(schema, o.wColumn()), o.wColumn());

    // Without an id column (the pass-through form keeps whole rows) no row lacks one.
    Column id = o.idColumn() == null ? lit(0) : col(o.idColumn());
    Column configId = col(o.configColumn());
    Column w = col(names.w());
    Column quotedConfig = concat(lit("configuration '"), bounded(configId), lit("'"));
    List<Rule> rules = Arrays.asList(
        new Rule(RejectReason.NULL_ID, id.isNull(), lit("id is null")),
        new Rule(RejectReason.NULL_CONFIG_ID, configId.isNull(), lit("config_id is null")),
        new Rule(RejectReason.UNKNOWN_CONFIG_ID, col(names.configId()).isNull(),
            concat(quotedConfig, lit(" is not in the configurations"))),
        new Rule(RejectReason.INVALID_CONFIG, col(names.invalidReason()).isNotNull(),
            concat(quotedConfig, lit(" is invalid: "), col(names.invalidReason()))),
        new Rule(RejectReason.NULL_W, w.isNull(), lit("w is null")),
        new Rule(RejectReason.WRONG_W_LENGTH, size(w).notEqual(col(names.l())),
            concat(lit("w has "), size(w), lit(" elements but "), quotedConfig,
                lit(" has l="), col(names.l()))),
        // Compiled expressions, not exists(w, lambda): higher-order functions are interpreted
        // and boxed per element, which showed in profiles (BENCHMARKS.md).
        // Spark orders NaN above +Infinity and array_max/min skip nulls: max >= +Inf exactly
        // when some element is NaN or +Inf, whatever nulls w holds.
        new Rule(RejectReason.NON_FINITE_W,
            array_max(w).geq(lit(Float.POSITIVE_INFINITY))
                .or(array_min(w).equalTo(lit(Float.NEGATIVE_INFINITY))),
            lit("w has a NaN or infinite element (as float32)")),
        // With no NaN left (the rule above), array_contains(w, NaN) is null exactly when w holds
        // a null; it compares primitives in a loop, where arrays_overlap boxed every element
        // into a HashSet probe (3 % of task time).
        new Rule(RejectReason.NULL_W_ELEMENT,
            array_contains(w, Float.NaN).isNull(), lit("w has a null element")));

    Column reason = null;
    Column detail = null;
    for (Rule rule : rules) {
      reason = reason == null ? when(rule.condition(), lit(rule.reason().code()))
          : reason.when(rule.condition(), lit(rule.reason().code()));
      detail = detail == null ? when(rule.condition(), rule.detail())
          : detail.when(rule.condition(), rule.detail());
    }
    return input
        .withColumn(names.w(), wFloat)
        .join(broadcast(configs), configId.equalTo(col(names.configId())), "left_outer")
        .withColumn(names.reason(), reason)
        .withColumn(names.reasonDetail(), detail);
  }

  /**
   * Checks the input's key columns: present, of a usable type, not named like the rejects'
   * reason columns (w's type is checked where it is converted, {@link #floatArray}).
   */
  static void checkSchema(StructType schema, ReconcileOptions o) {
    for (String key : Arrays.asList(o.idColumn(), o.configColumn())) {
      if (key != null && RejectColumns.isReasonColumn(key)) {
        throw new InputSchemaException("the key column '" + key + "' cannot be named like the "
            + "rejects' reason columns (" + RejectColumns.REASON + ", "
            + RejectColumns.REASON_DETAIL + "); rename it");
      }
    }
    if (o.idColumn() != null) {
      DataType idType = typeOf(schema, o.idColumn());
      if (!ID_TYPES.contains(idType)) {
        throw new InputSchemaException("input column '" + o.idColumn() + "' has type "
            + idType.simpleString() + "; expected long, int, short, byte, string or binary");
      }
    }
    DataType configType = typeOf(schema, o.configColumn());
    if (!configType.equals(DataTypes.StringType)) {
      throw new InputSchemaException("input column '" + o.configColumn() + "' has type "
          + configType.simpleString() + "; expected string");
    }
    floatArray(col(o.wColumn()), typeOf(schema, o.wColumn()), o.wColumn());
  }

  /** {@link BoundedText#of} as a compiled expression: a 1 MB config_id is not echoed whole. */
  static Column bounded(Column text) {
    int max = BoundedText.MAX_CHARS;
    return when(length(text).gt(max), concat(substring(text, 1, max), lit("… ("),
        length(text).minus(max).cast(DataTypes.StringType), lit(" more characters)")))
        .otherwise(text);
  }

  static DataType typeOf(StructType schema, String column) {
    for (StructField f : schema.fields()) {
      if (f.name().equals(column)) {
        return f.dataType();
      }
    }
    throw new InputSchemaException("input has no column '" + column + "' (columns: "
        + String.join(", ", schema.fieldNames()) + ")");
  }

  private static Column floatArray(Column w, DataType type, String name) {
    if (type instanceof ArrayType) {
      DataType element = ((ArrayType) type).elementType();
      if (element.equals(DataTypes.FloatType)) {
        return w;
      }
      if (element.equals(DataTypes.DoubleType)) {
        return w.cast(DataTypes.createArrayType(DataTypes.FloatType));
      }
    }
    if (type.equals(SQLDataTypes.VectorType())) {
      return org.apache.spark.ml.functions.vector_to_array(w, "float32");
    }
    throw new InputSchemaException("input column '" + name + "' has type " + type.simpleString()
        + "; expected array<float>, array<double> or a Spark ML vector");
  }
}
