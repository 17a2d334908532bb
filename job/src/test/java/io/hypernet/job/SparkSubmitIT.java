package io.hypernet.job;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hypernet.testing.OutputRows;
import io.hypernet.job.report.RunReport;
import io.hypernet.testing.LocalSpark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The spark-submit path for real: Spark's own SparkSubmit with only Spark's jars on its classpath,
 * the shaded job jar as the application, PyTorch's natives passed with --jars, and executors in
 * separate JVMs ({@code local-cluster}). The same input through local[2] in-process must give
 * bit-identical W with the JVM engine.
 */
class SparkSubmitIT {
  @TempDir
  Path dir;

  /** The spark-submit jar ships the job and its library, and no benchmark (bench/ has them). */
  @Test
  void theApplicationJarShipsNoBenchmark() throws Exception {
    try (java.util.jar.JarFile jar = new java.util.jar.JarFile(
        SparkHome.applicationJar().toFile())) {
      List<String> ours = jar.stream().map(java.util.jar.JarEntry::getName)
          .filter(n -> n.startsWith("io/hypernet/")).toList();
      assertTrue(ours.contains("io/hypernet/job/HypernetCli.class"), ours.toString());
      assertTrue(ours.contains("io/hypernet/spark/Hypernets.class"), ours.toString());
      assertTrue(ours.stream().noneMatch(n -> n.contains("/bench/") || n.contains("Bench")),
          ours.stream().filter(n -> n.contains("ench")).toList().toString());
    }
  }

  /**
   * On the default line; on 4.2 the shaded jar goes through spark-submit in StandaloneKillIT and
   * YarnIT.
   */
  @Test
  @Tag("on-3.5")
  void sparkSubmitOnLocalClusterMatchesLocalMode() throws Exception {
    String in = dir + "/in";
    assertEquals(0, CliRunner.run("generate", "--rows", "1500", "--configs", "2", "--l", "8",
        "--n", "4", "--D", "16", "--bad-rows", "3", "--out", in, "--master", "local[2]")
        .exitCode());
    String[] job = {"run", "--input", in + "/w", "--configs", in + "/configs", "--engine", "jvm",
        "--batch-size", "64"};

    Path home = SparkHome.create(dir);
    String nativeJar = SparkHome.entries("classpath-runtime.txt").stream()
        .filter(j -> j.contains("pytorch-native-cpu")).findFirst().orElseThrow();
    Path appJar = SparkHome.applicationJar();
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    command.addAll(SparkHome.jvmFlags());
    command.addAll(List.of("-cp", home.resolve("jars") + "/*",
        "-Dlog4j2.configurationFile=" + Launcher.ROOT.resolve("conf/log4j2.properties"),
        "org.apache.spark.deploy.SparkSubmit", "--master", "local-cluster[2,1,1024]",
        "--class", "io.hypernet.job.HypernetCli",
        "--properties-file", Launcher.ROOT.resolve("conf/spark-defaults.conf").toString(),
        "--jars", nativeJar, appJar.toString()));
    command.addAll(Arrays.asList(job));
    command.addAll(List.of("--output", dir + "/cluster"));
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(dir.resolve("submit.log").toFile());
    pb.environment().put("SPARK_HOME", home.toString());
    pb.environment().put("SPARK_SCALA_VERSION", "2.12");
    pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    Process submit = pb.start();
    boolean finished = submit.waitFor(5, TimeUnit.MINUTES);
    String log = Files.readString(dir.resolve("submit.log"));
    if (!finished) {
      submit.destroyForcibly();
    }
    assertTrue(finished, "spark-submit timed out:\n" + log);
    assertEquals(0, submit.exitValue(), log);
    assertTrue(log.contains("1500 rows in, 1497 written, 3 rejected"), log);
    RunReport report = RunReport.fromJson(Files.readString(Path.of(dir + "/cluster/_report.json")));
    assertTrue(report.master().startsWith("local-cluster"), report.master());
    assertEquals(List.of("jvm/cpu"), report.engines());

    String[] local = Arrays.copyOf(job, job.length + 4);
    System.arraycopy(new String[] {"--output", dir + "/local", "--master", "local[2]"}, 0, local,
        job.length, 4);
    assertEquals(0, CliRunner.run(local).exitCode());

    SparkSession spark = LocalSpark.start("local[2]");
    try {
      Map<Long, Row> cluster = OutputRows.byId(spark.read().parquet(dir + "/cluster")
          .collectAsList());
      Map<Long, Row> inProcess = OutputRows.byId(spark.read().parquet(dir + "/local")
          .collectAsList());
      assertEquals(1497, cluster.size());
      assertEquals(inProcess.keySet(), cluster.keySet());
      for (Long id : cluster.keySet()) {
        assertArrayEquals(OutputRows.floats(inProcess.get(id).getList(4)),
            OutputRows.floats(cluster.get(id).getList(4)), "id " + id);
      }
      assertEquals(Set.of(3L), Set.of(spark.read().parquet(dir + "/cluster/_rejects/*.parquet")
          .count()).stream().collect(Collectors.toSet()));
    } finally {
      spark.stop();
    }
  }
}
