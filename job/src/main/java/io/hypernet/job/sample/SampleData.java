package io.hypernet.job.sample;

import io.hypernet.weights.SeededWeights;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Deterministic sample inputs: {@code DIR/configs} (K configurations) and {@code DIR/w} (N
 * vectors, standard normal from the seed-derived generator on a stream of their own). Optionally a
 * few bad rows, one of each kind in turn, to show the rejects path.
 */
public final class SampleData {
  /** Tensor number for sample w values: disjoint from the weights' p = 0..3. */
  private static final int W_STREAM = 100;

  /** What to generate. */
  public record Spec(long rows, int configs, int l, int n, int d, int hiddenDim, long seed,
      long badRows, int partitions) implements java.io.Serializable {}

  private SampleData() {}

  public static String configId(long k) {
    return String.format(Locale.ROOT, "cfg-%03d", k);
  }

  public static void write(SparkSession spark, Spec spec, String dir) {
    StructType configSchema = new StructType()
        .add("config_id", DataTypes.StringType, false)
        .add("l", DataTypes.IntegerType, false)
        .add("n", DataTypes.IntegerType, false)
        .add("D", DataTypes.IntegerType, false)
        .add("hidden_dim", DataTypes.IntegerType, false)
        .add("seed", DataTypes.LongType, false)
        .add("static", DataTypes.BooleanType, false)
        .add("activation", DataTypes.StringType, false)
        .add("init", DataTypes.StringType, false);
    List<Row> configs = new ArrayList<>();
    for (int k = 0; k < spec.configs(); k++) {
      configs.add(RowFactory.create(configId(k), spec.l(), spec.n(), spec.d(), spec.hiddenDim(),
          spec.seed() + k, true, k % 2 == 0 ? "none" : "sigmoid",
          k % 3 == 2 ? "torch" : "seeded"));
    }
    spark.createDataFrame(configs, configSchema).coalesce(1).write().mode(SaveMode.Overwrite)
        .parquet(dir + "/configs");

    StructType wSchema = new StructType()
        .add("id", DataTypes.LongType, false)
        .add("config_id", DataTypes.StringType, false)
        .add("w", DataTypes.createArrayType(DataTypes.FloatType, false), true);
    spark.range(0, spec.rows(), 1, spec.partitions())
        .map(new VectorRow(spec), Encoders.row(wSchema))
        .write().mode(SaveMode.Overwrite).parquet(dir + "/w");
  }

  /** Row {@code id} of the sample; every (rows/badRows)-th row is broken in a rotating way. */
  private static final class VectorRow implements MapFunction<Long, Row> {
    private static final long serialVersionUID = 1L;
    private final Spec spec;
    private final long badEvery;

    VectorRow(Spec spec) {
      this.spec = spec;
      this.badEvery = spec.badRows() > 0 ? Math.max(1, spec.rows() / spec.badRows()) : 0;
    }

    @Override
    public Row call(Long id) {
      String config = configId(id % spec.configs());
      float[] w = new float[spec.l()];
      for (int j = 0; j < w.length; j++) {
        w[j] = SeededWeights.value(spec.seed(), W_STREAM, id * spec.l() + j);
      }
      long bad = badEvery > 0 && id % badEvery == badEvery - 1 ? id / badEvery : -1;
      if (bad >= 0 && bad < spec.badRows()) {
        switch ((int) (bad % 4)) {
          case 0:
            config = "cfg-unknown";
            break;
          case 1:
            w = java.util.Arrays.copyOf(w, w.length + 1);
            break;
          case 2:
            w[0] = Float.NaN;
            break;
          default:
            return RowFactory.create(id, config, null);
        }
      }
      return RowFactory.create(id, config, w);
    }
  }
}
