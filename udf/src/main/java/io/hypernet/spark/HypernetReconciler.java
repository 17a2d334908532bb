package io.hypernet.spark;

import io.hypernet.spark.internal.InternalColumns;
import io.hypernet.spark.internal.InternalFrames;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Plans a reconciliation of a dataset of w vectors against a {@link HypernetCatalog}, behind
 * {@link Hypernets#reconcile} and {@link Hypernets#withW}. Rows flow as Catalyst {@link InternalRow}s through
 * {@code mapPartitions}, so W goes from the engine's float[] to Parquet without boxing.
 */
final class HypernetReconciler {
  private HypernetReconciler() {}

  static Reconciliation reconcile(SparkSession spark, Dataset<Row> input,
      HypernetCatalog catalog, ReconcileOptions options) {
    if (options.idColumn() == null) {
      throw new InputSchemaException("an id column is required to write W rows by id; "
          + "Hypernets.withW keeps the input's columns instead");
    }
    InternalColumns names = InternalColumns.avoiding(input.columns());
    Dataset<Row> classified =
        RowClassifier.classify(input, catalog.configsFrame(spark, names), options, names);
    Column reason = col(names.reason());

    List<Column> rejectColumns = new ArrayList<>();
    List<String> rejectNames = RejectColumns.inputNames(input.columns());
    for (int i = 0; i < rejectNames.size(); i++) {
      rejectColumns.add(input.col(input.columns()[i]).as(rejectNames.get(i)));
    }
    rejectColumns.add(reason.as(RejectColumns.REASON));
    rejectColumns.add(col(names.reasonDetail()).as(RejectColumns.REASON_DETAIL));
    Dataset<Row> rejected = classified.filter(reason.isNotNull())
        .select(rejectColumns.toArray(new Column[0]));

    DataType idType = RowClassifier.typeOf(input.schema(), options.idColumn());
    // Rejected rows go through the reconciliation pass too, only to be counted there: when none
    // is seen, the rejects need no pass of their own.
    RDD<InternalRow> classifiedRows = grouped(classified
        .select(input.col(options.idColumn()), input.col(options.configColumn()),
            col(names.w()), reason), options, catalog.validConfigs().size())
        .queryExecution().toRdd();
    ReconcileMetrics metrics = new ReconcileMetrics(spark.sparkContext());
    RDD<InternalRow> rows = classifiedRows.toJavaRDD()
        .mapPartitions(new PartitionFunction(catalog, options, idType, metrics, null)).rdd();
    Dataset<Row> reconciled =
        InternalFrames.of(spark, rows, OutputSchema.of(idType, options));
    return new Reconciliation(reconciled, rejected, metrics, classifiedRows,
        (dir, codecs, hadoop) -> new MatrixParquetSink(catalog, options, idType, metrics, dir,
            codecs, hadoop), spark, new StructType()
            .add(options.configColumn(), DataTypes.StringType, false)
            .add(options.idColumn(), idType, false), catalog);
  }

  /**
   * Every input row with its W appended as {@code outputColumn} (array&lt;float&gt;), computed
   * in the same batches as {@link #reconcile}; bad rows as {@code onBadRow} says. The input's
   * own columns pass through unchanged, so rows need no id.
   */
  static Dataset<Row> withW(SparkSession spark, Dataset<Row> input,
      HypernetCatalog catalog, ReconcileOptions options, String outputColumn,
      OnBadRow onBadRow, ReconcileMetrics metrics) {
    StructType output = withWSchema(input.schema(), options, outputColumn, onBadRow);
    InternalColumns names = InternalColumns.avoiding(input.columns());
    Dataset<Row> classified =
        RowClassifier.classify(input, catalog.configsFrame(spark, names), options, names);
    List<Column> columns = new ArrayList<>(List.of(
        lit(null).as(names.w() + "_unused_id"), // the job layout's id: not read here
        input.col(options.configColumn()), col(names.w()), col(names.reason()),
        col(names.reasonDetail())));
    DataType[] types = new DataType[input.columns().length];
    for (int i = 0; i < types.length; i++) {
      columns.add(input.col(input.columns()[i]));
      types[i] = input.schema().fields()[i].dataType();
    }
    RDD<InternalRow> rows = grouped(classified.select(columns.toArray(new Column[0])), options,
        catalog.validConfigs().size()).queryExecution().toRdd().toJavaRDD()
        .mapPartitions(new PartitionFunction(catalog, options, DataTypes.NullType, metrics,
            new PassThrough(types, onBadRow))).rdd();
    return InternalFrames.of(spark, rows, output);
  }

  /**
   * The input's columns, then W, then under {@link OnBadRow#KEEP} {@code reason} and
   * {@code reason_detail}. Checks the input's columns and refuses added names the input already
   * has (case-insensitively, as Spark resolves them).
   *
   * @throws InputSchemaException naming the column
   */
  static StructType withWSchema(StructType input, ReconcileOptions options,
      String outputColumn, OnBadRow onBadRow) {
    RowClassifier.checkSchema(input, options);
    List<String> added = onBadRow == OnBadRow.KEEP
        ? List.of(outputColumn, RejectColumns.REASON, RejectColumns.REASON_DETAIL)
        : List.of(outputColumn);
    for (String name : added) {
      for (String existing : input.fieldNames()) {
        if (existing.equalsIgnoreCase(name)) {
          throw new InputSchemaException("the input already has a column '" + existing
              + "'; the output adds " + String.join(", ", added) + " (choose another output "
              + "column, or rename or drop the input's)");
        }
      }
    }
    StructType schema = input.add(outputColumn,
        DataTypes.createArrayType(DataTypes.FloatType, false), onBadRow == OnBadRow.KEEP);
    return onBadRow == OnBadRow.KEEP ? schema
        .add(RejectColumns.REASON, DataTypes.StringType, true)
        .add(RejectColumns.REASON_DETAIL, DataTypes.StringType, true) : schema;
  }

  /**
   * The classified rows ordered so that a task meets one configuration after another; with one
   * valid configuration there is nothing to group, and up to {@link
   * PartitionReconciler#PENDING_BATCHES} its pending batches fill as well unsorted (the sort of
   * every input row cost 5-10 % of a 2-configuration job's CPU).
   */
  private static Dataset<Row> grouped(Dataset<Row> rows, ReconcileOptions options,
      int validConfigs) {
    Column configId = rows.col(options.configColumn());
    if (validConfigs <= 1) {
      return rows;
    }
    return switch (options.grouping()) {
      case NONE -> rows;
      case SORT -> validConfigs <= PartitionReconciler.PENDING_BATCHES ? rows
          : rows.sortWithinPartitions(configId);
      case REPARTITION -> rows.repartition(configId).sortWithinPartitions(configId);
    };
  }

  private static final class PartitionFunction
      implements FlatMapFunction<Iterator<InternalRow>, InternalRow> {
    private static final long serialVersionUID = 1L;
    private final HypernetCatalog catalog;
    private final ReconcileOptions options;
    private final DataType idType;
    private final ReconcileMetrics metrics;
    private final PassThrough passThrough;

    PartitionFunction(HypernetCatalog catalog, ReconcileOptions options, DataType idType,
        ReconcileMetrics metrics, PassThrough passThrough) {
      this.catalog = catalog;
      this.options = options;
      this.idType = idType;
      this.metrics = metrics;
      this.passThrough = passThrough;
    }

    @Override
    public Iterator<InternalRow> call(Iterator<InternalRow> rows) {
      return new PartitionReconciler(rows, catalog, options, idType, metrics, passThrough);
    }
  }
}
