package io.hypernet.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hypernet.job.report.RunReport;
import io.hypernet.testing.LocalSpark;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * conf/airflow/hypernet_reconcile_dag.py as far as it can be checked without Airflow: the file
 * compiles; src/test/python/render_airflow_dag.py imports it with stub airflow modules, renders
 * the operator's templated fields with jinja2 for one logical date and prints the spark-submit
 * command the provider's hook would run; that exact command then runs on local Spark, twice
 * (a retry after a successful publish), against sample data laid out for that date.
 */
@Tag("spark-independent") // the same on every Spark line: runs on one,
@Tag("on-4.2") // 4.2, whose build has more room (see the parent POM)
class AirflowDagIT {
  private static final Path DAG = Launcher.ROOT.resolve("conf/airflow/hypernet_reconcile_dag.py");
  private static final String DS = "2026-11-29";

  @TempDir
  Path dir;

  /** Without HYPERNET_JAR the DAG names the default line's jar as the build names it. */
  @Test
  void theDefaultJarIsOneTheBuildProduces() throws IOException {
    java.util.regex.Matcher jar = java.util.regex.Pattern
        .compile("os\\.environ\\.get\\(\"HYPERNET_JAR\", \"([^\"]+)\"\\)")
        .matcher(Files.readString(DAG));
    assertTrue(jar.find(), "the DAG reads HYPERNET_JAR with a default");
    String name = Path.of(jar.group(1)).getFileName().toString();
    assertTrue(name.startsWith("hypernet-job-3.5_2.12-"), name + ": the default line is 3.5");
    String thisLine = SparkHome.applicationJar().getFileName().toString();
    assertEquals(thisLine, name.replace("3.5_2.12", thisLine.contains("_2.13") ? "4.2_2.13"
        : "3.5_2.12"), "the build's jar and the DAG's default differ");
  }

  @Test
  void theDagsSparkSubmitCommandRunsAndItsRetryIsIdempotent() throws Exception {
    // Bytecode goes to the temp dir, not next to the DAG in the source tree.
    Map<String, String> python = Map.of("PYTHONPYCACHEPREFIX", dir.resolve("pycache").toString());
    assumeTrue(pythonInstalled(), "python3 is not installed: the DAG cannot be checked here");
    assertEquals(0, run(List.of("python3", "-m", "py_compile", DAG.toString()), python,
        "compile.log"), Files.readString(dir.resolve("compile.log")));
    installJinja(python);

    Path data = dir.resolve("data");
    CliRunner.Result generated = CliRunner.run("generate", "--rows", "600", "--configs", "2",
        "--l", "8", "--n", "4", "--D", "16", "--bad-rows", "3", "--out", dir + "/sample",
        "--master", "local[1]");
    assertEquals(0, generated.exitCode(), generated.toString());
    Files.createDirectories(data.resolve("w"));
    Files.move(dir.resolve("sample/w"), data.resolve("w/ds=" + DS));
    Files.move(dir.resolve("sample/configs"), data.resolve("configs"));

    Map<String, String> deployment = new java.util.HashMap<>(python);
    deployment.put("HYPERNET_JAR", SparkHome.applicationJar().toString());
    deployment.put("HYPERNET_DATA", data.toString());
    assertEquals(0, run(List.of("python3", SparkHome.JOB.resolve(
        "src/test/python/render_airflow_dag.py").toString(), DAG.toString(), "reconcile", DS,
        "local[2]"), deployment, "render.json"), Files.readString(dir.resolve("render.json")));
    JsonNode rendered = new ObjectMapper().readTree(dir.resolve("render.json").toFile());
    assertTrue(rendered.get("retries").asInt() > 0, rendered.toString());
    List<String> command = new ArrayList<>();
    rendered.get("command").forEach(arg -> command.add(arg.asText()));
    String output = data + "/W/ds=" + DS;
    assertEquals("spark-submit", command.get(0));
    assertTrue(String.join(" ", command).contains("--output " + output + " --mode overwrite"),
        command.toString());
    assertTrue(command.contains("hypernet-reconcile-" + DS), command.toString());

    // Through env, so that "spark-submit" is looked up on the PATH given to the command.
    command.add(0, "env");
    // A SPARK_HOME of Spark's jars whose spark-submit is first on the PATH, as the hook calls it.
    Map<String, String> submit = SparkHome.environment(SparkHome.createWithSparkSubmit(dir));
    assertEquals(0, run(command, submit, "first.log"), Files.readString(dir.resolve("first.log")));
    RunReport first = RunReport.fromJson(Files.readString(Path.of(output, "_report.json")));
    assertEquals(600, first.rowsIn());
    assertEquals(597, first.rowsWritten());
    assertEquals(List.of("jvm/cpu"), first.engines(), "the DAG's Java options reached the JVM");
    long firstFiles = parquetFiles(output);

    // The retry Airflow makes when a task fails after the publish (e.g. the worker was lost).
    assertEquals(0, run(command, submit, "retry.log"), Files.readString(dir.resolve("retry.log")));
    RunReport retry = RunReport.fromJson(Files.readString(Path.of(output, "_report.json")));
    assertEquals(597, retry.rowsWritten());
    assertEquals(firstFiles, parquetFiles(output));
    assertTrue(Files.readString(data.resolve("W/_last_run/ds=" + DS + ".report.json"))
        .contains("\"status\" : \"succeeded\""));
    SparkSession spark = LocalSpark.start("local[1]");
    try {
      assertEquals(597, spark.read().parquet(output).count(), "replaced, not appended");
      assertEquals(597, spark.read().parquet(output).select("config_id", "id").distinct()
          .count());
      assertEquals(597, spark.read().parquet(data + "/W").count(),
          "readers of W/ see the partition and skip the last-run report");
    } finally {
      spark.stop();
    }
  }

  /**
   * With HYPERNET_TABLE the task commits to an Iceberg table: its command carries the table's
   * options, idempotent overwrite-partitions, per-day rejects and Iceberg's runtime jar. (Run
   * for real by IcebergTableTest's CLI runs, on the Spark 3.5 build; this line refuses it.)
   */
  @Test
  void theTableVariantCommitsTheDayToAnIcebergTable() throws Exception {
    String command = renderedCommand(Map.of("HYPERNET_DATA", "hdfs:///data/h", "HYPERNET_TABLE",
        "db.W", "HYPERNET_ICEBERG_JAR", "/opt/iceberg.jar"));
    assertTrue(command.contains("--jars /opt/iceberg.jar"), command);
    assertTrue(command.contains("run --input hdfs:///data/h/w/ds=" + DS + " --configs "
        + "hdfs:///data/h/configs --output-format iceberg --table db.W --warehouse "
        + "hdfs:///data/h/warehouse --rejects hdfs:///data/h/rejects/ds=" + DS
        + " --mode overwrite-partitions"), command);
    assertFalse(command.contains("--output "), command);
  }

  @Test
  void theDeltaVariantCommitsTheDayToADeltaTableByItsLocation() throws Exception {
    String command = renderedCommand(Map.of("HYPERNET_DATA", "hdfs:///data/h", "HYPERNET_TABLE",
        "hdfs:///data/h/tables/W", "HYPERNET_TABLE_FORMAT", "delta"));
    assertTrue(command.contains("run --input hdfs:///data/h/w/ds=" + DS + " --configs "
        + "hdfs:///data/h/configs --output-format delta --table hdfs:///data/h/tables/W "
        + "--rejects hdfs:///data/h/rejects/ds=" + DS + " --mode overwrite-partitions"), command);
    assertFalse(command.contains("--jars"), "Delta needs no jar to write: " + command);
    assertFalse(command.contains("--warehouse"), command);
  }

  /** The spark-submit command the DAG's task renders for {@link #DS} with this environment. */
  private String renderedCommand(Map<String, String> settings) throws Exception {
    Map<String, String> env = new java.util.HashMap<>(settings);
    env.put("PYTHONPYCACHEPREFIX", dir.resolve("pycache").toString());
    assumeTrue(pythonInstalled(), "python3 is not installed: the DAG cannot be checked here");
    installJinja(env);
    assertEquals(0, run(List.of("python3", SparkHome.JOB.resolve(
        "src/test/python/render_airflow_dag.py").toString(), DAG.toString(), "reconcile", DS,
        "yarn"), env, "render.json"), Files.readString(dir.resolve("render.json")));
    List<String> args = new ArrayList<>();
    new ObjectMapper().readTree(dir.resolve("render.json").toFile()).get("command")
        .forEach(arg -> args.add(arg.asText()));
    return String.join(" ", args);
  }

  /** The renderer's one package, from the machine's package index when missing. */
  private void installJinja(Map<String, String> env) throws Exception {
    if (run(List.of("python3", "-c", "import jinja2"), env, "jinja2.log") != 0) {
      assertEquals(0, run(List.of("python3", "-m", "pip", "install", "--quiet", "jinja2"),
          env, "pip.log"), Files.readString(dir.resolve("pip.log")));
    }
  }

  private static boolean pythonInstalled() throws InterruptedException {
    try {
      return new ProcessBuilder("python3", "--version").start().waitFor() == 0;
    } catch (IOException notFound) {
      return false;
    }
  }

  /** Runs a command with extra environment, its output in dir/log; returns its exit code. */
  private int run(List<String> command, Map<String, String> env, String log)
      throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(dir.resolve(log).toFile());
    pb.environment().putAll(env);
    Process process = pb.start();
    if (!process.waitFor(5, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      throw new AssertionError(command + " timed out:\n" + Files.readString(dir.resolve(log)));
    }
    return process.exitValue();
  }

  private static long parquetFiles(String output) throws IOException {
    try (var files = Files.list(Path.of(output))) {
      return files.filter(p -> p.getFileName().toString().endsWith(".parquet")).count();
    }
  }
}
