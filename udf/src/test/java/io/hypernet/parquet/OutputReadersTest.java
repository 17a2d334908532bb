package io.hypernet.parquet;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.hypernet.parquet.OutputSample.IdKind;
import io.hypernet.testing.LocalSpark;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Array;
import java.sql.Blob;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.parquet.internal.column.columnindex.ColumnIndex;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every output file (REFERENCE.md, "Output layout") reads identically in Spark — filter pushdown on
 * or off, vectorized or row reader, column index filtering on or off — and in DuckDB, against the
 * same rows written by Spark's own writer. The bulk files have many row groups and pages, so a
 * wrong statistic or page index drops or keeps rows where the oracle does not.
 */
class OutputReadersTest {
  private static SparkSession spark;
  private static final Map<IdKind, List<Row>> ROWS = new EnumMap<>(IdKind.class);

  @TempDir
  static Path dir;

  /** A predicate and what it must select: nothing, everything, or some rows. */
  private enum Expect { NONE, ALL, SOME, ANY }

  private record Predicate(String sql, Expect expect) {}

  @BeforeAll
  static void writeSamples() throws IOException {
    spark = LocalSpark.start("local[2]");
    for (IdKind kind : IdKind.values()) {
      List<Row> rows = OutputSample.rows(kind);
      ROWS.put(kind, rows);
      OutputSample.writeBulk(kind, rows, bulk(kind), OutputSample.ROW_GROUP_BYTES,
          OutputSample.SMALL_PAGES);
      OutputSample.writeOracle(spark, kind, rows, oracle(kind));
    }
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  static String bulk(IdKind kind) {
    return dir.resolve("bulk-" + kind).toString();
  }

  static String oracle(IdKind kind) {
    return dir.resolve("spark-" + kind).toString();
  }

  /** Equality, ranges, IN, combinations, null checks; none may depend on row order. */
  private static List<Predicate> predicates(IdKind kind, Function<Object, String> literal) {
    String a = literal.apply(kind.id(17));
    String b = literal.apply(kind.id(300));
    String c = literal.apply(kind.id(599));
    String absent = literal.apply(kind.absentId());
    return List.of(
        new Predicate("id = " + a, Expect.SOME),
        new Predicate("id = " + c, Expect.SOME),
        new Predicate("id = " + absent, Expect.NONE),
        new Predicate("id >= " + b, Expect.SOME),
        new Predicate("id < " + a, Expect.ANY),
        new Predicate("id > " + a + " AND id <= " + b, Expect.ANY),
        new Predicate("id IN (" + a + ", " + b + ", " + absent + ")", Expect.SOME),
        new Predicate("config_id = 'bb'", Expect.SOME),
        new Predicate("config_id = 'zz'", Expect.NONE),
        new Predicate("n = 4", Expect.SOME),
        new Predicate("D = 3", Expect.SOME),
        new Predicate("D > 5", Expect.NONE),
        new Predicate("id >= " + b + " AND config_id = 'a'", Expect.ANY),
        new Predicate("id = " + a + " OR n = 1", Expect.SOME),
        new Predicate("config_id IN ('a', 'c') AND NOT (id = " + c + ")", Expect.SOME),
        new Predicate("id IS NULL", Expect.NONE),
        new Predicate("id IS NOT NULL AND n >= 1", Expect.ALL));
  }

  @ParameterizedTest(name = "id {0}")
  @EnumSource(IdKind.class)
  void sparkReadsTheBulkFilesLikeSparksOwnUnderEveryReaderSetting(IdKind kind)
      throws IOException {
    assertSeveralRowGroupsAndPages(bulk(kind));
    List<Predicate> predicates = predicates(kind, kind::sparkLiteral);
    List<List<String>> expected = spark(oracle(kind), predicates, false, false, false);
    for (int p = 0; p < predicates.size(); p++) {
      assertSelects(predicates.get(p), expected.get(p));
    }
    // Without pushdown the column index is never consulted: six settings differ. SHORT and
    // BYTE are INT32 in the file as INT is: their pushed filters are what differs.
    boolean[][] settings = kind == IdKind.SHORT || kind == IdKind.BYTE
        ? new boolean[][] {{true, true, true}, {true, false, true}}
        : new boolean[][] {{false, true, false}, {false, false, false}, {true, true, true},
            {true, false, true}, {true, true, false}, {true, false, false}};
    for (boolean[] setting : settings) {
      List<List<String>> actual =
          spark(bulk(kind), predicates, setting[0], setting[1], setting[2]);
      for (int p = 0; p < predicates.size(); p++) {
        assertEquals(expected.get(p), actual.get(p), predicates.get(p).sql()
            + " with pushdown " + setting[0] + ", vectorized " + setting[1]
            + ", column index " + setting[2]);
      }
    }
  }

  @ParameterizedTest(name = "id {0}")
  @EnumSource(IdKind.class)
  void duckdbReadsTheBulkFilesAsItReadsSparksOwn(IdKind kind) throws SQLException {
    try (Connection duckdb = DriverManager.getConnection("jdbc:duckdb:");
        Statement statement = duckdb.createStatement()) {
      List<Predicate> predicates = predicates(kind, kind::duckdbLiteral);
      List<Predicate> sparkPredicates = predicates(kind, kind::sparkLiteral);
      List<List<String>> fromSpark = spark(oracle(kind), sparkPredicates, false, true, false);
      for (int p = 0; p < predicates.size(); p++) {
        String where = predicates.get(p).sql();
        List<String> expected = duckdb(statement, oracle(kind), where);
        assertEquals(fromSpark.get(p), expected, "DuckDB and Spark on Spark's files: " + where);
        assertEquals(expected, duckdb(statement, bulk(kind), where), where);
      }
    }
  }

  /**
   * pyarrow (with filters, which prune by statistics), pandas and DuckDB's Python API through
   * src/test/python/read_output.py; skipped only where there is no python3.
   */
  @Test
  void pyarrowPandasAndDuckdbReadTheBulkFilesAsSparksOwn() throws IOException,
      InterruptedException {
    assumeTrue(run(List.of("python3", "--version")) != null,
        "python3 is not installed: the pyarrow/pandas reader check cannot run here");
    if (run(List.of("python3", "-c", "import pyarrow, pandas, duckdb")).exit() != 0) {
      Finished pip = run(List.of("python3", "-m", "pip", "install", "--quiet", "pyarrow",
          "pandas", "duckdb"));
      assertEquals(0, pip.exit(), "installing pyarrow, pandas and duckdb failed: " + pip);
    }
    List<String> command = new ArrayList<>(List.of("python3", "src/test/python/read_output.py"));
    for (IdKind kind : IdKind.values()) {
      command.addAll(List.of(kind.name(), bulk(kind), oracle(kind)));
    }
    Finished check = run(command);
    assertEquals(0, check.exit(), check.output());
    assertTrue(check.output().contains("6 dataset(s) read identically"), check.output());
  }

  private record Finished(int exit, String output) {}

  /** Runs a command to its end; null where the program does not exist. */
  private static Finished run(List<String> command) throws InterruptedException {
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      String output = new String(process.getInputStream().readAllBytes(),
          java.nio.charset.StandardCharsets.UTF_8);
      return new Finished(process.waitFor(), output);
    } catch (IOException notFound) {
      return null;
    }
  }

  private static List<String> duckdb(Statement statement, String path, String where)
      throws SQLException {
    List<String> rows = new ArrayList<>();
    try (ResultSet result = statement.executeQuery("SELECT id, config_id, n, D, W FROM "
        + "read_parquet('" + path + "/*.parquet') WHERE " + where)) {
      while (result.next()) {
        Object id = result.getObject(1) instanceof Blob blob
            ? blob.getBytes(1, (int) blob.length()) : result.getObject(1);
        Array w = result.getArray(5);
        rows.add(OutputSample.canonical(id, result.getString(2), result.getInt(3),
            result.getInt(4), Arrays.asList((Object[]) w.getArray())));
      }
    }
    rows.sort(null);
    return rows;
  }

  private static void assertSelects(Predicate predicate, List<String> rows) {
    switch (predicate.expect()) {
      case NONE -> assertTrue(rows.isEmpty(), predicate.sql() + " selects nothing");
      case ALL -> assertEquals(OutputSample.ROWS, rows.size(), predicate.sql());
      case SOME -> assertFalse(rows.isEmpty(), predicate.sql() + " selects some rows");
      case ANY -> { }
    }
  }

  /**
   * The rows each predicate selects, as sorted canonical text. One Spark job for all: a union of
   * one filtered scan per predicate, each scan with its own pushed filters.
   */
  private static List<List<String>> spark(String path, List<Predicate> predicates,
      boolean pushdown, boolean vectorized, boolean columnIndex) {
    spark.conf().set("spark.sql.parquet.filterPushdown", pushdown);
    spark.conf().set("spark.sql.parquet.enableVectorizedReader", vectorized);
    spark.conf().set("parquet.filter.columnindex.enabled", columnIndex);
    Dataset<Row> files = spark.read().parquet(path);
    Dataset<Row> union = null;
    for (int p = 0; p < predicates.size(); p++) {
      Dataset<Row> selected = files.where(predicates.get(p).sql())
          .select(functions.lit(p), col("id"), col("config_id"), col("n"), col("D"), col("W"));
      union = union == null ? selected : union.unionAll(selected);
    }
    List<List<String>> rows = new ArrayList<>();
    predicates.forEach(p -> rows.add(new ArrayList<>()));
    for (Row row : union.collectAsList()) {
      rows.get(row.getInt(0)).add(OutputSample.canonical(row.get(1), row.get(2), row.get(3),
          row.get(4), row.getList(5)));
    }
    rows.forEach(list -> list.sort(null));
    return rows;
  }

  /** Guards the test itself: with one row group or page, no index would be exercised. */
  private static void assertSeveralRowGroupsAndPages(String directory) throws IOException {
    try (Stream<Path> files = Files.list(Path.of(directory))) {
      for (Path file : files.filter(f -> f.toString().endsWith(".parquet")).toList()) {
        try (ParquetFileReader reader = ParquetFileReader.open(
            HadoopInputFile.fromPath(new org.apache.hadoop.fs.Path(file.toUri()),
                new Configuration()))) {
          List<BlockMetaData> groups = reader.getFooter().getBlocks();
          assertTrue(groups.size() >= 3, file + " has " + groups.size() + " row groups");
          for (ColumnChunkMetaData chunk : groups.get(0).getColumns()) {
            ColumnIndex index = reader.readColumnIndex(chunk);
            assertTrue(index != null && index.getMinValues().size() >= 2,
                chunk.getPath() + " has several pages in its column index");
          }
        }
      }
    }
  }
}
