package io.hypernet.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * What the table tests share: their input, and reading a table's rows and files as its consumers
 * do (Spark, DuckDB, pyarrow).
 */
final class TableReaders {
  /** Rows of the tests' input; {@link #BAD_ROWS} of them are rejected. */
  static final int ROWS = 600;
  static final int BAD_ROWS = 4;

  private TableReaders() {}

  /** Writes the input, three configurations (n=4, D=6), to {@code dir/in}. */
  static void generateInput(Path dir) {
    CliRunner.Result r = CliRunner.run("generate", "--rows", "" + ROWS, "--configs", "3",
        "--l", "8", "--n", "4", "--D", "6", "--hidden-dim", "16", "--bad-rows", "" + BAD_ROWS,
        "--partitions", "3", "--out", dir + "/in", "--master", "local[2]");
    assertEquals(0, r.exitCode(), r.toString());
  }

  /**
   * Runs the query and returns its scan's metric {@code metric}: the data files it read (a
   * file scan's {@code numFiles}, an Iceberg scan's {@code resultDataFiles}).
   */
  static long scanMetric(Dataset<Row> query, String metric) {
    query.collectAsList();
    var leaves = query.queryExecution().executedPlan().collectLeaves();
    for (int i = 0; i < leaves.size(); i++) {
      var value = leaves.apply(i).metrics().get(metric);
      if (value.isDefined()) {
        return value.get().value();
      }
    }
    throw new AssertionError("no scan with " + metric + " in "
        + query.queryExecution().executedPlan());
  }

  /** config_id/id → W's values, as a comparable text. */
  static Map<String, String> rows(Dataset<Row> rows) {
    Map<String, String> byKey = new TreeMap<>();
    for (Row row : rows.select("config_id", "id", "n", "D", "W").collectAsList()) {
      String previous = byKey.put(row.getString(0) + "/" + row.getLong(1),
          row.getInt(2) + "x" + row.getInt(3) + row.getList(4));
      assertEquals(null, previous, "key " + row.getString(0) + "/" + row.getLong(1) + " twice");
    }
    return byKey;
  }

  /** A path of the local filesystem, as Hadoop or Iceberg name it (file:/... or /...). */
  static Path local(String path) {
    return Path.of(path.replaceFirst("^file:", ""));
  }

  /** DuckDB and pyarrow read the files a table's current version names, and nothing else. */
  static void duckDbAndPyarrowRead(List<String> tableFiles, long rows, int valuesPerRow)
      throws Exception {
    List<String> paths = tableFiles.stream().map(p -> local(p).toString()).toList();
    List<String> files = paths.stream().map(p -> "'" + p + "'").toList();
    pyarrowReads(paths, rows, valuesPerRow);
    try (Connection duckdb = DriverManager.getConnection("jdbc:duckdb:");
        Statement statement = duckdb.createStatement();
        ResultSet result = statement.executeQuery("SELECT count(*), count(DISTINCT (config_id, "
            + "id)), sum(len(W)) FROM read_parquet([" + String.join(", ", files) + "])")) {
      assertTrue(result.next());
      assertEquals(rows, result.getLong(1));
      assertEquals(rows, result.getLong(2));
      assertEquals(rows * valuesPerRow, result.getLong(3));
    }
  }

  /** pyarrow, as a pandas user reads the table's files: every row once, and a filtered read. */
  private static void pyarrowReads(List<String> paths, long rows, int valuesPerRow)
      throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(python("print()") != null,
        "python3 is not installed: the pyarrow read cannot run here");
    if (python("import pyarrow") == null) { // from the machine's package index
      assertTrue(python("python3", "-m", "pip", "install", "--quiet", "pyarrow") != null,
          "installing pyarrow failed");
    }
    String script = "import sys, pyarrow.parquet as pq, pyarrow.compute as pc\n"
        + "t = pq.read_table(sys.argv[1:])\n"
        + "keys = set(zip(t['config_id'].to_pylist(), t['id'].to_pylist()))\n"
        + "one = pq.read_table(sys.argv[1:], filters=[('id', '=', t['id'][0].as_py())])\n"
        + "print(t.num_rows, len(keys), one.num_rows, pc.sum(pc.list_value_length(t['W'])))\n";
    List<String> command = new ArrayList<>(List.of("python3", "-c", script));
    command.addAll(paths);
    String out = python(command.toArray(new String[0]));
    assertTrue(out != null, "pyarrow could not read the table's files");
    String[] counts = out.trim().split(" ");
    assertEquals(rows, Long.parseLong(counts[0]), out);
    assertEquals(rows, Long.parseLong(counts[1]), out);
    assertTrue(Long.parseLong(counts[2]) >= 1, "the filtered read finds the id: " + out);
    assertEquals(rows * valuesPerRow, Long.parseLong(counts[3]), out);
  }

  /** Runs python3 (-c CODE, or the command given); its stdout, or null if it failed. */
  private static String python(String... command) throws Exception {
    List<String> args = command.length == 1 ? List.of("python3", "-c", command[0])
        : List.of(command);
    try {
      Process process = new ProcessBuilder(args).redirectErrorStream(true).start();
      String out = new String(process.getInputStream().readAllBytes());
      return process.waitFor() == 0 ? out : null;
    } catch (java.io.IOException notFound) {
      return null;
    }
  }
}
