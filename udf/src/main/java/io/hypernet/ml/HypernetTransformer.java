package io.hypernet.ml;

import io.hypernet.engine.EngineKind;
import io.hypernet.spark.HypernetConfigs;
import io.hypernet.spark.Hypernets;
import io.hypernet.spark.OnBadRow;
import io.hypernet.spark.ReconcileOptions;
import java.util.List;
import java.util.Locale;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;

/**
 * Spark ML's form of the reconciliation: appends each row's W (array&lt;float&gt;, n×D row-major)
 * to any DataFrame holding a configuration id and a w vector, batched per partition exactly like
 * the batch job ({@link Hypernets#withW}). Works inside a {@code Pipeline} and saves with ML
 * persistence: the params and the configurations themselves (as Parquet), not broadcast handles.
 */
public final class HypernetTransformer extends Transformer implements MLWritable {
  private static final long serialVersionUID = 1L;

  // Made in the constructor, after uid: a Param takes its parent's uid when it is made.
  private final String uid;
  private final Param<String> inputCol;
  private final Param<String> configCol;
  private final Param<String> outputCol;
  private final Param<String> engine;
  private final IntParam batchSize;
  private final Param<String> onBadRow;
  private HypernetConfigs configs;

  public HypernetTransformer() {
    this(Identifiable$.MODULE$.randomUID("hypernet"));
  }

  /** Spark ML's copy and load construct by uid. */
  public HypernetTransformer(String uid) {
    this.uid = uid;
    inputCol = new Param<>(this, "inputCol",
        "the w vectors: array<float>, array<double> or an ML vector");
    configCol = new Param<>(this, "configCol", "the configuration id of each row (string)");
    outputCol = new Param<>(this, "outputCol",
        "the column W is added as (array<float>, n×D row-major)");
    engine = new Param<>(this, "engine",
        "compute engine: auto (DJL on a task's GPU; on CPU the JVM kernel, or DJL where the JDK"
            + " vector module is missing), djl or jvm",
        ParamValidators.inArray(new String[] {"auto", "djl", "jvm"}));
    batchSize = new IntParam(this, "batchSize",
        "rows per engine call (shrunk for very wide hypernets)", ParamValidators.gt(0));
    onBadRow = new Param<>(this, "onBadRow", "a row that cannot be reconciled: keep (W null, "
        + "reason and reason_detail columns), drop, or fail the job",
        ParamValidators.inArray(new String[] {"keep", "drop", "fail"}));
    setDefault(inputCol, "w");
    setDefault(configCol, "config_id");
    // Not "W": Spark resolves names case-insensitively, so W beside w would be ambiguous.
    setDefault(outputCol, "W_matrix");
    setDefault(engine, "auto");
    setDefault(batchSize, ReconcileOptions.DEFAULT_BATCH_SIZE);
    setDefault(onBadRow, "keep");
  }

  @Override
  public String uid() {
    return uid;
  }

  public HypernetTransformer setConfigs(HypernetConfigs value) {
    this.configs = value;
    return this;
  }

  /** The configurations from any DataFrame with the configurations table's columns. */
  public HypernetTransformer setConfigs(Dataset<Row> value) {
    return setConfigs(HypernetConfigs.of(value));
  }

  public HypernetConfigs getConfigs() {
    return configs;
  }

  public HypernetTransformer setInputCol(String value) {
    set(inputCol, value);
    return this;
  }

  public HypernetTransformer setConfigCol(String value) {
    set(configCol, value);
    return this;
  }

  public HypernetTransformer setOutputCol(String value) {
    set(outputCol, value);
    return this;
  }

  public HypernetTransformer setEngine(String value) {
    set(engine, value.toLowerCase(Locale.ROOT));
    return this;
  }

  public HypernetTransformer setBatchSize(int value) {
    set(batchSize, value);
    return this;
  }

  public HypernetTransformer setOnBadRow(String value) {
    set(onBadRow, value.toLowerCase(Locale.ROOT));
    return this;
  }

  public Param<String> inputCol() {
    return inputCol;
  }

  public Param<String> configCol() {
    return configCol;
  }

  public Param<String> outputCol() {
    return outputCol;
  }

  public Param<String> engine() {
    return engine;
  }

  public IntParam batchSize() {
    return batchSize;
  }

  public Param<String> onBadRow() {
    return onBadRow;
  }

  @Override
  public Dataset<Row> transform(Dataset<?> dataset) {
    return Hypernets.withW(dataset.toDF(), requireConfigs(), options(), $(outputCol),
        badRows());
  }

  @Override
  public StructType transformSchema(StructType schema) {
    return Hypernets.withWSchema(schema, options(), $(outputCol), badRows());
  }

  @Override
  public HypernetTransformer copy(ParamMap extra) {
    HypernetTransformer copy = defaultCopy(extra);
    copy.configs = configs;
    return copy;
  }

  @Override
  public MLWriter write() {
    return new HypernetTransformerIo.Writer(this);
  }

  /** Spark ML finds a stage's reader through this static method when it loads a pipeline. */
  public static MLReader<HypernetTransformer> read() {
    return new HypernetTransformerIo.Reader();
  }

  public static HypernetTransformer load(String path) {
    return read().load(path);
  }

  /** The params Spark ML persistence saves, in a fixed order. */
  List<Param<?>> persistedParams() {
    return List.of(inputCol, configCol, outputCol, engine, batchSize, onBadRow);
  }

  private ReconcileOptions options() {
    return ReconcileOptions.defaults()
        .withColumns(null, $(configCol), $(inputCol))
        .withEngine(EngineKind.parse($(engine)))
        .withBatchSize((Integer) $(batchSize));
  }

  private OnBadRow badRows() {
    return OnBadRow.valueOf($(onBadRow).toUpperCase(Locale.ROOT));
  }

  private HypernetConfigs requireConfigs() {
    if (configs == null) {
      throw new IllegalStateException("HypernetTransformer " + uid + " has no configurations: "
          + "call setConfigs first");
    }
    return configs;
  }
}
