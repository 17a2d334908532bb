package io.hypernet.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hypernet.config.Activation;
import io.hypernet.config.TestConfigs;
import io.hypernet.job.report.RunReport;
import io.hypernet.testing.Float64Reference;
import io.hypernet.testing.LocalSpark;
import io.hypernet.weights.HypernetWeights;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Inputs written by other tools, reproduced with parquet-java's low-level writer (no Spark): the
 * list layouts pyarrow, DuckDB and legacy Hive/Avro writers produce, INT32 and INT64 ids,
 * nullable fields, dictionary-encoded strings, and a configurations table as pandas writes it.
 */
class ForeignParquetTest {
  private static final int L = 6;
  private static final int ROWS = 40;

  /** Writers and their layouts of the w column. */
  enum Layout {
    PYARROW("optional int32 id; optional binary config_id (STRING);"
        + " optional group w (LIST) { repeated group list { optional float element; } }",
        "list", "element", CompressionCodecName.SNAPPY),
    PYARROW_LEGACY("optional int64 id; optional binary config_id (STRING);"
        + " optional group w (LIST) { repeated group list { optional double item; } }",
        "list", "item", CompressionCodecName.GZIP),
    DUCKDB("optional int64 id; optional binary config_id (STRING);"
        + " optional group w (LIST) { repeated group list { optional double element; } }",
        "list", "element", CompressionCodecName.ZSTD),
    HIVE_TWO_LEVEL("required int32 id; required binary config_id (UTF8);"
        + " optional group w (LIST) { repeated float array; }",
        null, "array", CompressionCodecName.UNCOMPRESSED);

    final MessageType schema;
    final String repeatedGroup;
    final String element;
    final CompressionCodecName codec;

    Layout(String fields, String repeatedGroup, String element, CompressionCodecName codec) {
      this.schema = MessageTypeParser.parseMessageType("message schema { " + fields + " }");
      this.repeatedGroup = repeatedGroup;
      this.element = element;
      this.codec = codec;
    }

    boolean isDouble() {
      return schema.getType("w").asGroupType().getType(0).toString().contains("double");
    }

    boolean hasNullableElements() {
      return repeatedGroup != null;
    }
  }

  @TempDir
  static Path dir;
  static final Map<Long, float[]> W = new HashMap<>();

  private static ParquetWriter<Group> writer(Path file, MessageType schema,
      CompressionCodecName codec) throws IOException {
    return ExampleParquetWriter.builder(new org.apache.hadoop.fs.Path(file.toUri()))
        .withConf(new Configuration()).withType(schema).withDictionaryEncoding(true)
        .withCompressionCodec(codec).build();
  }

  @BeforeAll
  static void writeWithParquetJava() throws IOException {
    // pandas writes Python ints as INT64, so l, n, D arrive as longs.
    MessageType configs = MessageTypeParser.parseMessageType("message schema {"
        + " optional binary config_id (STRING); optional int64 l; optional int64 n;"
        + " optional int64 D; optional int64 hidden_dim; optional int64 seed;"
        + " optional binary activation (STRING); }");
    Files.createDirectories(dir.resolve("configs"));
    try (ParquetWriter<Group> out = writer(dir.resolve("configs/configs.parquet"), configs,
        CompressionCodecName.SNAPPY)) {
      SimpleGroupFactory rows = new SimpleGroupFactory(configs);
      out.write(rows.newGroup().append("config_id", "plain").append("l", (long) L)
          .append("n", 3L).append("D", 5L).append("hidden_dim", 16L).append("seed", 7L)
          .append("activation", "none"));
      out.write(rows.newGroup().append("config_id", "squashed").append("l", (long) L)
          .append("n", 2L).append("D", 4L).append("seed", -3L).append("activation", "sigmoid"));
    }
    Random random = new Random(17);
    for (long id = 0; id < ROWS; id++) {
      float[] w = new float[L];
      for (int j = 0; j < L; j++) {
        w[j] = (float) random.nextGaussian();
      }
      W.put(id, w);
    }
    for (Layout layout : Layout.values()) {
      Path file = dir.resolve(layout.name() + "/part-0.parquet");
      Files.createDirectories(file.getParent());
      try (ParquetWriter<Group> out = writer(file, layout.schema, layout.codec)) {
        SimpleGroupFactory rows = new SimpleGroupFactory(layout.schema);
        for (long id = 0; id < ROWS; id++) {
          Group row = rows.newGroup();
          if (layout.schema.getType("id").toString().contains("int32")) {
            row.append("id", (int) id);
          } else {
            row.append("id", id);
          }
          row.append("config_id", id % 2 == 0 ? "plain" : "squashed");
          if (id == 3 && layout.hasNullableElements()) {
            out.write(row); // w is null: the whole optional group is absent
            continue;
          }
          Group list = row.addGroup("w");
          for (int j = 0; j < L; j++) {
            Group holder = layout.repeatedGroup == null ? list : list.addGroup(layout.repeatedGroup);
            if (id == 5 && j == 2 && layout.hasNullableElements()) {
              continue; // a null element: the optional element is absent
            }
            if (layout.isDouble()) {
              holder.append(layout.element, (double) W.get(id)[j]);
            } else {
              holder.append(layout.element, W.get(id)[j]);
            }
          }
          out.write(row);
        }
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Layout.class)
  void readsWhatOtherWritersWrite(Layout layout) throws IOException {
    String output = dir + "/out-" + layout;
    CliRunner.Result r = CliRunner.run("run", "--input", dir + "/" + layout, "--configs",
        dir + "/configs", "--output", output, "--engine", "jvm", "--master", "local[1]");
    assertEquals(0, r.exitCode(), r.toString());
    RunReport report = RunReport.fromJson(Files.readString(Path.of(output, "_report.json")));
    assertEquals(ROWS, report.rowsIn());
    assertEquals(layout.hasNullableElements()
        ? Map.of("null_w", 1L, "null_w_element", 1L) : Map.of(), report.rejectedByReason());

    Map<String, HypernetWeights> weights = Map.of(
        "plain", HypernetWeights.seeded(TestConfigs.config("plain", L, 3, 5, 16, 7,
            Activation.NONE)),
        "squashed", HypernetWeights.seeded(TestConfigs.config("squashed", L, 2, 4, 128, -3,
            Activation.SIGMOID)));
    SparkSession spark = LocalSpark.start("local[1]");
    try {
      var written = spark.read().parquet(output);
      assertEquals(layout.schema.getType("id").toString().contains("int32")
          ? DataTypes.IntegerType : DataTypes.LongType, written.schema().apply("id").dataType(),
          "the id keeps its type");
      List<Row> rows = written.collectAsList();
      assertEquals(report.rowsWritten(), rows.size());
      for (Row row : rows) {
        long id = ((Number) row.get(0)).longValue();
        List<Float> got = row.getList(4);
        float[] values = new float[got.size()];
        for (int i = 0; i < values.length; i++) {
          values[i] = got.get(i);
        }
        double error = Float64Reference.relativeError(
            Float64Reference.evaluate(weights.get(row.getString(1)), W.get(id)), values, 0);
        assertTrue(error <= Float64Reference.RELATIVE_TOLERANCE, layout + " id " + id);
      }
    } finally {
      spark.stop();
    }
  }
}
