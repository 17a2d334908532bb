package io.hypernet.spark;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hypernet.testing.OutputRows;
import io.hypernet.config.ConfigRow;
import io.hypernet.config.ConfigValidator;
import io.hypernet.config.SizeLimits;
import io.hypernet.engine.EngineKind;
import io.hypernet.parquet.OutputCodecs;
import io.hypernet.testing.LocalSpark;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.example.GroupReadSupport;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The bulk writer against Spark's own: the same rows and bit-identical W when Spark reads the
 * files back, the same values through a second, independent reader (parquet-java's record
 * reader), every id type, and a repeated attempt that replaces files instead of adding rows.
 */
class MatrixParquetSinkTest {
  private static SparkSession spark;
  private static HypernetCatalog catalog;

  @TempDir
  static Path dir;

  @BeforeAll
  static void start() {
    spark = LocalSpark.start("local[2]");
    List<ConfigRow> configs = List.of(
        new ConfigRow("a", 8, 3, 5, 16, 11L, null, null, null, "test"),
        new ConfigRow("b", 4, 1, 1, null, -3L, true, "sigmoid", null, "test"),
        new ConfigRow("wide", 4, 16, 300, 8, 5L, null, null, null, "test"));
    catalog = HypernetCatalog.build(spark,
        new ConfigValidator(new SizeLimits(1L << 30)).validate(configs));
  }

  @AfterAll
  static void stop() {
    catalog.close();
    spark.stop();
  }

  private static Dataset<Row> input(DataType idType, int rows) {
    StructType schema = new StructType().add("id", idType, true)
        .add("config_id", DataTypes.StringType, true)
        .add("w", DataTypes.createArrayType(DataTypes.FloatType, true), true);
    Random random = new Random(9);
    List<Row> data = new ArrayList<>();
    for (int i = 0; i < rows; i++) {
      String config = List.of("a", "b", "wide").get(i % 3);
      int l = config.equals("a") ? 8 : 4;
      Float[] w = new Float[l];
      for (int j = 0; j < l; j++) {
        w[j] = (float) random.nextGaussian();
      }
      Object id = switch (idType.typeName()) {
        case "long" -> (long) i * 1_000_003L;
        case "integer" -> i;
        case "short" -> (short) i;
        case "string" -> "row-" + i;
        default -> ("b" + i).getBytes();
      };
      data.add(RowFactory.create(id, config, w));
    }
    data.add(RowFactory.create(null, "a", new Float[8])); // rejected, not written
    return spark.createDataFrame(data, schema).repartition(3);
  }

  @ParameterizedTest(name = "id {0}, keys {1}, W {2}")
  @CsvSource({"long, SNAPPY, UNCOMPRESSED", "integer, UNCOMPRESSED, SNAPPY", "short, ZSTD, ZSTD",
      "string, SNAPPY, GZIP", "binary, GZIP, UNCOMPRESSED"})
  void writesWhatSparksWriterWritesAndBothReadersAgree(String idTypeName, String keysCodec,
      String wCodec) throws IOException {
    DataType idType = DataType.fromDDL(idTypeName);
    OutputCodecs codecs = new OutputCodecs(CompressionCodecName.valueOf(keysCodec),
        CompressionCodecName.valueOf(wCodec));
    Dataset<Row> input = input(idType, 1500);
    ReconcileOptions options = ReconcileOptions.defaults().withEngine(EngineKind.JVM)
        .withBatchSize(64);
    String bulk = dir + "/bulk-" + idTypeName;
    String stock = dir + "/stock-" + idTypeName;
    Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    WrittenRows written = HypernetReconciler.reconcile(spark, input, catalog, options)
        .writeParquet(bulk, codecs, 0, hadoop);
    HypernetReconciler.reconcile(spark, input, catalog, options).reconciled().write()
        .parquet(stock);
    // The keys the writing tasks handed out count what the files hold, per configuration.
    assertEquals(Map.of("a", 500L, "b", 500L, "wide", 500L), written.perConfig());
    assertEquals(0, written.duplicatedKeys());
    assertEquals(Map.of("a", 500L, "b", 500L, "wide", 500L),
        WrittenRows.count(spark.read().parquet(bulk), "config_id", "id").perConfig());

    Dataset<Row> fromBulk = spark.read().parquet(bulk);
    Dataset<Row> fromStock = spark.read().parquet(stock);
    assertEquals(fromStock.schema(), fromBulk.schema());
    assertEquals(input.count() - 1, fromBulk.count());
    assertEquals(0, fromBulk.exceptAll(fromStock).count());
    assertEquals(0, fromStock.exceptAll(fromBulk).count());
    assertTrue(Files.exists(Path.of(bulk, "_SUCCESS")));

    // A second, independent reader: parquet-java's record API, no Spark.
    Map<String, float[]> expected = new HashMap<>();
    for (Row r : fromStock.select(col("id").cast("string"), col("config_id"), col("W"))
        .collectAsList()) {
      expected.put(r.getString(0) + "/" + r.getString(1), OutputRows.floats(r.getList(2)));
    }
    int rows = 0;
    for (Path file : parquetFiles(bulk)) {
      assertCodecs(file, codecs);
      try (ParquetReader<Group> reader = ParquetReader.builder(new GroupReadSupport(),
          new org.apache.hadoop.fs.Path(file.toUri())).withConf(new Configuration()).build()) {
        for (Group g = reader.read(); g != null; g = reader.read()) {
          String id = switch (idTypeName) {
            case "long" -> String.valueOf(g.getLong("id", 0));
            case "integer", "short" -> String.valueOf(g.getInteger("id", 0));
            case "string" -> g.getString("id", 0);
            default -> new String(g.getBinary("id", 0).getBytes());
          };
          Group list = g.getGroup("W", 0);
          int size = list.getFieldRepetitionCount("list");
          assertEquals(g.getInteger("n", 0) * g.getInteger("D", 0), size);
          float[] values = new float[size];
          for (int i = 0; i < size; i++) {
            values[i] = list.getGroup("list", i).getFloat("element", 0);
          }
          assertArrayEquals(expected.get(id + "/" + g.getString("config_id", 0)), values, id);
          rows++;
        }
      }
    }
    assertEquals(expected.size(), rows);
  }

  @Test
  void aRepeatedAttemptReplacesItsPartitionsFiles() throws IOException {
    Dataset<Row> input = input(DataTypes.LongType, 900);
    String out = dir + "/repeat";
    Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    ReconcileOptions options = ReconcileOptions.defaults().withEngine(EngineKind.JVM);
    HypernetReconciler.reconcile(spark, input, catalog, options)
        .writeParquet(out, OutputCodecs.DEFAULT, 0, hadoop);
    List<Path> first = parquetFiles(out);
    WrittenRows again = HypernetReconciler.reconcile(spark, input, catalog, options)
        .writeParquet(out, OutputCodecs.DEFAULT, 0, hadoop);
    assertEquals(900, again.total());
    assertEquals(first, parquetFiles(out), "file names are fixed by the partition index");
    assertEquals(900, spark.read().parquet(out).count(), "no row twice");
    try (Stream<Path> files = Files.list(Path.of(out))) {
      assertTrue(files.noneMatch(p -> p.getFileName().toString().endsWith(".tmp")));
    }
  }

  /**
   * Each partition rolls to a new file every N rows; every row is in exactly one file, and a
   * rewrite with a larger N replaces all of a partition's earlier files.
   */
  @Test
  void partitionsRollToANewFileEveryNRows() throws IOException {
    Dataset<Row> input = input(DataTypes.LongType, 900); // 3 partitions
    String out = dir + "/rolled";
    Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    ReconcileOptions options = ReconcileOptions.defaults().withEngine(EngineKind.JVM)
        .withBatchSize(64);
    WrittenRows written = HypernetReconciler.reconcile(spark, input, catalog, options)
        .writeParquet(out, OutputCodecs.DEFAULT, 70, hadoop);
    assertEquals(900, written.total());
    List<Path> files = parquetFiles(out);
    long rows = 0;
    for (Path file : files) {
      long inFile = rowsIn(file);
      assertTrue(inFile > 0 && inFile <= 70, file + ": " + inFile + " rows");
      rows += inFile;
    }
    assertEquals(900, rows);
    assertTrue(files.size() >= 900 / 70 + 1, files.toString());
    assertEquals(900, spark.read().parquet(out).select("id").distinct().count());

    HypernetReconciler.reconcile(spark, input, catalog, options)
        .writeParquet(out, OutputCodecs.DEFAULT, 1000, hadoop);
    assertEquals(3, parquetFiles(out).size(), "one file per partition replaces the rolled ones");
    assertEquals(900, spark.read().parquet(out).count());
  }

  private static long rowsIn(Path file) throws IOException {
    try (ParquetFileReader reader = ParquetFileReader.open(HadoopInputFile.fromPath(
        new org.apache.hadoop.fs.Path(file.toUri()), new Configuration()))) {
      return reader.getRecordCount();
    }
  }

  /** Every row group's chunks in the footer: the keys' codec on id..D, W's on W. */
  private static void assertCodecs(Path file, OutputCodecs codecs) throws IOException {
    try (ParquetFileReader reader = ParquetFileReader.open(HadoopInputFile.fromPath(
        new org.apache.hadoop.fs.Path(file.toUri()), new Configuration()))) {
      for (BlockMetaData group : reader.getFooter().getBlocks()) {
        for (ColumnChunkMetaData chunk : group.getColumns()) {
          boolean isW = chunk.getPath().toDotString().startsWith("W.");
          assertEquals(isW ? codecs.w() : codecs.keys(), chunk.getCodec(),
              file + " " + chunk.getPath());
        }
      }
    }
  }

  private static List<Path> parquetFiles(String directory) throws IOException {
    try (Stream<Path> files = Files.list(Path.of(directory))) {
      return files.filter(p -> p.getFileName().toString().endsWith(".parquet")).sorted()
          .toList();
    }
  }

  @Test
  void keysWrittenTwiceWithinAConfigurationAreCountedNotDropped() throws IOException {
    Dataset<Row> input = input(DataTypes.IntegerType, 300);
    // ids 0..2 again, same configurations (i % 3), and id 4 ("b", l=4) again as "wide" (l=4).
    Dataset<Row> twice = input.filter("id < 3").union(input.filter("id = 4")
        .withColumn("config_id", org.apache.spark.sql.functions.lit("wide")));
    WrittenRows written = HypernetReconciler.reconcile(spark, input.union(twice), catalog,
            ReconcileOptions.defaults().withEngine(EngineKind.JVM))
        .writeParquet(dir + "/twice", OutputCodecs.DEFAULT, 0,
            spark.sparkContext().hadoopConfiguration());
    assertEquals(3, written.duplicatedKeys(), "ids 0, 1, 2; id 4 differs in config_id");
    assertEquals(6, written.duplicatedRows());
    assertEquals(304, written.total());
    assertEquals(304, spark.read().parquet(dir + "/twice").count());
  }
}
