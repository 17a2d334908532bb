package io.hypernet.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.hypernet.testing.TorchFixtures.Case;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The parity fixtures as the Spark front ends take them, as Parquet under one directory:
 * {@code configs} (per case a configuration per state dict, {@code static=false} with
 * {@code weights} naming the file, and one with {@code static=true, init=torch} and the case's
 * seed) and {@code w} (every case's w vectors for each of them).
 */
public final class TorchFixtureTables {
  private static final StructType CONFIGS = new StructType()
      .add("config_id", DataTypes.StringType).add("l", DataTypes.IntegerType)
      .add("n", DataTypes.IntegerType).add("D", DataTypes.IntegerType)
      .add("hidden_dim", DataTypes.IntegerType).add("seed", DataTypes.LongType)
      .add("static", DataTypes.BooleanType).add("activation", DataTypes.StringType)
      .add("weights", DataTypes.StringType).add("init", DataTypes.StringType);
  private static final StructType INPUT = new StructType()
      .add("id", DataTypes.LongType).add("config_id", DataTypes.StringType)
      .add("w", DataTypes.createArrayType(DataTypes.FloatType, false));
  private static final List<String> WEIGHTS = Stream.concat(TorchFixtures.DTYPES.stream(),
      Stream.of(TorchFixtures.INIT_TORCH)).toList();

  /**
   * One input row: row {@code row} of the case's w, for the configuration of {@code weights}, a
   * dtype or {@link TorchFixtures#INIT_TORCH}.
   */
  public record Sample(long id, Case c, String weights, int row) {
    public String configId() {
      return TorchFixtureTables.configId(c, weights);
    }
  }

  private TorchFixtureTables() {}

  /** Every case's w rows for each of its configurations, numbered from 0. */
  public static List<Sample> samples() {
    List<Sample> samples = new ArrayList<>();
    for (Case c : TorchFixtures.cases()) {
      for (String weights : WEIGHTS) {
        for (int r = 0; r < c.rows(); r++) {
          samples.add(new Sample(samples.size(), c, weights, r));
        }
      }
    }
    return samples;
  }

  /** Writes {@code dir/configs}, {@code dir/w} and the state dicts they name. */
  public static void write(SparkSession spark, Path dir) {
    Path stateDicts = dir.resolve("weights");
    try {
      TorchFixtures.copyTo(Files.createDirectories(stateDicts));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<Row> configs = new ArrayList<>();
    for (Case c : TorchFixtures.cases()) {
      for (String dtype : TorchFixtures.DTYPES) {
        configs.add(RowFactory.create(configId(c, dtype), c.l(), c.n(), c.d(),
            c.hiddenDim(), null, false, c.activation().sqlName(),
            stateDicts.resolve(c.files().get(dtype)).toString(), null));
      }
      configs.add(RowFactory.create(configId(c, TorchFixtures.INIT_TORCH), c.l(), c.n(), c.d(),
          c.hiddenDim(), c.seed(), true, c.activation().sqlName(), null, "torch"));
    }
    List<Row> input = new ArrayList<>();
    for (Sample s : samples()) {
      float[] w = s.c().w();
      Float[] row = new Float[s.c().l()];
      for (int j = 0; j < row.length; j++) {
        row[j] = w[s.row() * row.length + j];
      }
      input.add(RowFactory.create(s.id(), s.configId(), row));
    }
    spark.createDataFrame(configs, CONFIGS).write().parquet(dir + "/configs");
    spark.createDataFrame(input, INPUT).repartition(2).write().parquet(dir + "/w");
  }

  private static String configId(Case c, String weights) {
    return c.name() + "." + weights;
  }

  /**
   * Checks that {@code rows} hold W for every sample exactly once, each within the tolerance of
   * PyTorch's.
   */
  public static void check(TorchParity parity, List<Row> rows, String idColumn,
      String wColumn) {
    List<Sample> samples = samples();
    assertEquals(samples.size(), rows.size(), "one W per input row");
    Map<String, float[]> torchW = new HashMap<>();
    for (Row row : rows) {
      Sample s = samples.get(Math.toIntExact(row.getLong(row.fieldIndex(idColumn))));
      List<Float> w = row.getList(row.fieldIndex(wColumn));
      assertNotNull(w, "W of " + s);
      float[] ours = new float[w.size()];
      for (int i = 0; i < ours.length; i++) {
        ours[i] = w.get(i);
      }
      assertEquals(s.c().outputSize(), ours.length, "n·D floats for " + s);
      parity.check(s.c(), s.weights(), s.row(), ours, 0,
          torchW.computeIfAbsent(s.configId(), k -> s.c().torchW(s.weights())));
    }
    assertEquals(samples.size(), rows.stream().map(r -> r.getLong(r.fieldIndex(idColumn)))
        .distinct().count(), "every id once");
  }
}
