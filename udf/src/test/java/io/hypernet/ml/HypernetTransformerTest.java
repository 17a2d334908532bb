package io.hypernet.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hypernet.spark.HypernetConfigs;
import io.hypernet.spark.InputSchemaException;
import io.hypernet.testing.LocalSpark;
import io.hypernet.testing.RandomVectors;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.feature.SQLTransformer;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Transformer from Java: in a Pipeline, saved and loaded, its schema checks. */
class HypernetTransformerTest {
  private static SparkSession spark;
  private static Dataset<Row> configs;

  @BeforeAll
  static void start() {
    spark = LocalSpark.start("local[2]");
    StructType schema = new StructType()
        .add("config_id", DataTypes.StringType)
        .add("l", DataTypes.IntegerType)
        .add("n", DataTypes.IntegerType)
        .add("D", DataTypes.IntegerType)
        .add("hidden_dim", DataTypes.IntegerType)
        .add("seed", DataTypes.LongType)
        .add("activation", DataTypes.StringType);
    configs = spark.createDataFrame(List.of(
        RowFactory.create("small", 4, 2, 3, 8, 1L, "sigmoid"),
        RowFactory.create("wide", 5, 4, 4, 6, 2L, null)), schema);
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  /** vectors(user, cfg, features): not the job's column names, and one extra column. */
  private static Dataset<Row> vectors() {
    StructType schema = new StructType()
        .add("user", DataTypes.LongType)
        .add("cfg", DataTypes.StringType)
        .add("features", DataTypes.createArrayType(DataTypes.DoubleType));
    List<Row> rows = new ArrayList<>(RandomVectors.rows(30, 1, List.of("wide", "small", "small"),
        Map.of("wide", 5, "small", 4), i -> i, false));
    rows.add(RowFactory.create(99L, "small", new Double[] {1.0}));
    return spark.createDataFrame(rows, schema);
  }

  private static HypernetTransformer transformer() {
    return new HypernetTransformer().setConfigs(configs).setInputCol("features")
        .setConfigCol("cfg").setOutputCol("W").setEngine("jvm").setBatchSize(8);
  }

  @Test
  void addsWBesideEveryColumnAndKeepsBadRowsWithTheirReason() {
    Dataset<Row> out = transformer().transform(vectors());
    assertEquals(List.of("user", "cfg", "features", "W", "reason", "reason_detail"),
        List.of(out.columns()));
    assertEquals(31, out.count());
    Row bad = out.filter("user = 99").first();
    assertTrue(bad.isNullAt(3));
    assertEquals("wrong_w_length", bad.getString(4));
    for (Row r : out.filter("user < 99").collectAsList()) {
      int size = r.getString(1).equals("wide") ? 16 : 6;
      assertEquals(size, r.getList(3).size(), "n·D floats for " + r);
    }
  }

  @Test
  void savedInAPipelineAndLoadedItGivesTheSameW(@TempDir Path dir) throws Exception {
    // A pipeline a user might build: a SQL step that derives w, then the reconciliation.
    SQLTransformer scale = new SQLTransformer().setStatement(
        "SELECT user, cfg, transform(features, x -> x * 2) AS features FROM __THIS__");
    Pipeline pipeline = new Pipeline().setStages(new PipelineStage[] {scale, transformer()
        .setOnBadRow("drop")});
    PipelineModel model = pipeline.fit(vectors());
    List<Row> before = model.transform(vectors()).orderBy("user").collectAsList();
    assertEquals(30, before.size(), "the bad row is dropped");

    model.write().overwrite().save(dir + "/model");
    PipelineModel loaded = PipelineModel.load(dir + "/model");
    HypernetTransformer stage = (HypernetTransformer) loaded.stages()[1];
    assertEquals("drop", stage.getOrDefault(stage.onBadRow()));
    assertEquals(8, stage.getOrDefault(stage.batchSize()));
    assertEquals(2, stage.getConfigs().size(), "the configurations are saved with it");
    assertEquals(before, loaded.transform(vectors()).orderBy("user").collectAsList());

    HypernetTransformer saved = transformer();
    saved.write().overwrite().save(dir + "/alone");
    HypernetTransformer alone = HypernetTransformer.load(dir + "/alone");
    assertEquals(saved.uid(), alone.uid());
    assertEquals("W", alone.getOrDefault(alone.outputCol()));
    assertEquals("jvm", alone.getOrDefault(alone.engine()));
  }

  @Test
  void transformSchemaNamesWhatIsWrong() {
    StructType schema = vectors().schema();
    InputSchemaException e = assertThrows(InputSchemaException.class,
        () -> transformer().setOutputCol("user").transformSchema(schema));
    assertTrue(e.getMessage().contains("already has a column 'user'"), e.getMessage());
    e = assertThrows(InputSchemaException.class,
        () -> transformer().setInputCol("w").transformSchema(schema));
    assertTrue(e.getMessage().contains("no column 'w'"), e.getMessage());
    e = assertThrows(InputSchemaException.class,
        () -> transformer().setConfigCol("user").transformSchema(schema));
    assertTrue(e.getMessage().contains("'user' has type bigint; expected string"),
        e.getMessage());
    IllegalStateException none = assertThrows(IllegalStateException.class,
        () -> new HypernetTransformer().setInputCol("features").setConfigCol("cfg")
            .transform(vectors()));
    assertTrue(none.getMessage().contains("no configurations"), none.getMessage());
    assertThrows(IllegalArgumentException.class, () -> transformer().setEngine("gpu-please"));
  }

  @Test
  void configurationsFromATableWork(@TempDir Path dir) {
    configs.write().parquet(dir + "/configs");
    HypernetTransformer fromTable = transformer()
        .setConfigs(HypernetConfigs.read(spark, dir + "/configs"));
    assertEquals(transformer().transform(vectors()).orderBy("user").collectAsList(),
        fromTable.transform(vectors()).orderBy("user").collectAsList());
  }
}
