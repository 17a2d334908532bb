package io.hypernet.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hypernet.testing.SafetensorsBytes;
import io.hypernet.config.Activation;
import io.hypernet.config.TestConfigs;
import io.hypernet.job.report.RunReport;
import io.hypernet.testing.Float64Reference;
import io.hypernet.testing.LocalSpark;
import io.hypernet.weights.HypernetWeights;
import io.hypernet.weights.SafetensorsFile;
import io.hypernet.weights.SafetensorsWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Trained hypernets (static=false, REFERENCE.md, "Trained hypernets") through the real CLI: a
 * tinyBIG safetensors file is read on the driver and broadcast; a file of the wrong net invalidates
 * only its configuration; a file that cannot be read stops the run with exit 2.
 */
class ImportedWeightsJobTest {
  private static final int L = 4;
  private static final int N = 2;
  private static final int D = 3;
  private static final int HIDDEN = 8;
  private static final StructType CONFIGS = new StructType()
      .add("config_id", DataTypes.StringType).add("l", DataTypes.IntegerType)
      .add("n", DataTypes.IntegerType).add("D", DataTypes.IntegerType)
      .add("hidden_dim", DataTypes.IntegerType).add("static", DataTypes.BooleanType)
      .add("activation", DataTypes.StringType).add("weights", DataTypes.StringType);
  private static final StructType INPUT = new StructType()
      .add("id", DataTypes.LongType).add("config_id", DataTypes.StringType)
      .add("w", DataTypes.createArrayType(DataTypes.FloatType, false));

  @TempDir
  static Path dir;
  static byte[] trained;

  private static float[] gaussian(Random random, int size) {
    float[] values = new float[size];
    for (int i = 0; i < size; i++) {
      values[i] = (float) random.nextGaussian();
    }
    return values;
  }

  /** The state_dict of tinyBIG's Linear → Sigmoid → Linear hypernet. */
  private static byte[] sigmoidStateDict(int outputSize) {
    Random random = new Random(11);
    return new SafetensorsWriter()
        .f32("0.weight", gaussian(random, HIDDEN * L), HIDDEN, L)
        .f32("0.bias", gaussian(random, HIDDEN), HIDDEN)
        .f32("2.weight", gaussian(random, outputSize * HIDDEN), outputSize, HIDDEN)
        .f32("2.bias", gaussian(random, outputSize), outputSize)
        .bytes();
  }

  @BeforeAll
  static void writeInputs() throws Exception {
    trained = sigmoidStateDict(N * D);
    Files.write(dir.resolve("trained.safetensors"), trained);
    Files.write(dir.resolve("wrong-shape.safetensors"), sigmoidStateDict(N * D + 1));
    List<Row> configs = List.of(
        RowFactory.create("trained", L, N, D, HIDDEN, false, "sigmoid", dir + "/trained.safetensors"),
        RowFactory.create("wrong_shape", L, N, D, HIDDEN, false, "sigmoid",
            dir + "/wrong-shape.safetensors"),
        RowFactory.create("wrong_activation", L, N, D, HIDDEN, null, "none",
            dir + "/trained.safetensors"),
        RowFactory.create("contradiction", L, N, D, HIDDEN, true, "sigmoid",
            dir + "/trained.safetensors"));
    List<Row> input = new ArrayList<>();
    Random random = new Random(3);
    for (long id = 0; id < 40; id++) {
      String config = id < 30 ? "trained" : List.of("wrong_shape", "wrong_activation",
          "contradiction").get((int) (id % 3));
      input.add(RowFactory.create(id, config, gaussian(random, L)));
    }
    SparkSession spark = LocalSpark.start("local[2]");
    try {
      spark.createDataFrame(configs, CONFIGS).write().parquet(dir + "/configs");
      spark.createDataFrame(input, INPUT).write().parquet(dir + "/w");
      spark.createDataFrame(List.of(RowFactory.create("trained", L, N, D, HIDDEN, false,
          "sigmoid", dir + "/missing.safetensors")), CONFIGS).write()
          .parquet(dir + "/configs-missing-file");
    } finally {
      spark.stop();
    }
  }

  @Test
  void trainedWeightsAreUsedAndWrongFilesInvalidateOnlyTheirConfiguration() throws Exception {
    CliRunner.Result r = CliRunner.run("run", "--input", dir + "/w", "--configs",
        dir + "/configs", "--output", dir + "/out", "--engine", "jvm", "--master", "local[2]");
    assertEquals(0, r.exitCode(), r.toString());
    RunReport report = RunReport.fromJson(Files.readString(dir.resolve("out/_report.json")));
    assertEquals(40, report.rowsIn());
    assertEquals(30, report.rowsWritten());
    assertEquals(Map.of("invalid_config", 10L), report.rejectedByReason());
    Map<String, String> invalid = new HashMap<>();
    report.invalidConfigs().forEach(c -> invalid.put(c.configId(), c.reason()));
    assertTrue(invalid.get("wrong_shape").contains(dir + "/wrong-shape.safetensors")
        && invalid.get("wrong_shape").contains("'2.weight'")
        && invalid.get("wrong_shape").contains("shape [7, 8], expected [6, 8]"), invalid.toString());
    assertTrue(invalid.get("wrong_activation").contains("'1.weight': missing; a hypernet with "
        + "activation none has exactly 0.weight, 0.bias, 1.weight, 1.bias"), invalid.toString());
    assertTrue(invalid.get("contradiction").startsWith("static=true (seed-derived weights) "
        + "contradicts weights="), invalid.toString());

    HypernetWeights weights = HypernetWeights.imported(
        TestConfigs.config("trained", L, N, D, HIDDEN, 0, Activation.SIGMOID),
        SafetensorsBytes.parse(trained, "trained.safetensors"));
    SparkSession spark = LocalSpark.start("local[1]");
    try {
      Map<Long, List<Float>> inputs = new HashMap<>();
      spark.read().parquet(dir + "/w").collectAsList()
          .forEach(row -> inputs.put(row.getLong(0), row.getList(2)));
      List<Row> written = spark.read().parquet(dir + "/out").collectAsList();
      assertEquals(30, written.size());
      for (Row row : written) {
        float[] w = toArray(inputs.get(row.getLong(0)));
        double error = Float64Reference.relativeError(Float64Reference.evaluate(weights, w),
            toArray(row.getList(4)), 0);
        assertTrue(error <= Float64Reference.RELATIVE_TOLERANCE, "id " + row.getLong(0)
            + " error " + error);
      }
    } finally {
      spark.stop();
    }
  }

  @Test
  void aWeightsFileThatCannotBeReadStopsTheRunNamingIt() {
    String output = dir + "/out-missing";
    CliRunner.Result r = CliRunner.run("run", "--input", dir + "/w", "--configs",
        dir + "/configs-missing-file", "--output", output, "--engine", "jvm", "--master",
        "local[1]");
    assertEquals(2, r.exitCode(), r.toString());
    assertTrue(r.err().contains("configuration 'trained': weights " + dir
        + "/missing.safetensors cannot be read"), r.err());
    assertFalse(Files.exists(Path.of(output)));
  }

  private static float[] toArray(List<Float> values) {
    float[] out = new float[values.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = values.get(i);
    }
    return out;
  }
}
