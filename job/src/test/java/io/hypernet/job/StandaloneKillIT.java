package io.hypernet.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hypernet.job.report.RunReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The deployable artefact on a real standalone Master and two one-core Workers, launched both
 * ways a user does (bin/hypernet run --master URL on the 3.5 line, and Spark's SparkSubmit with
 * the shaded jar, our settings as --conf, on 4.2): the run's executor JVMs are SIGKILLed while
 * the job's main pass runs (one of them holds the lagging partition 0, so a task is surely lost;
 * an executor already done would be lost unseen), and every row still comes out exactly once,
 * within the float64 reference's tolerance.
 */
class StandaloneKillIT {
  /** Input partitions, and the output's part files: one per task core of the cluster. */
  private static final int PARTITIONS = 2;
  /** Partition 0's first attempt lags this long: the run is surely still going at the kill. */
  private static final String SLOW = "spark.hypernet.test.faults=slow-partition=0:6000";
  private static final List<String> SETTINGS = List.of("spark.executor.memory=512m",
      "spark.ui.enabled=false", SLOW);
  /** The JVM options docs/clusters.md ("Our settings go with --conf") passes with --conf. */
  private static final String JAVA_OPTIONS = "--add-modules=jdk.incubator.vector"
      + " -Dai.djl.offline=true -Dai.djl.pytorch.num_threads=1"
      + " -Dai.djl.pytorch.num_interop_threads=1";

  @TempDir
  static Path dir;
  private static StandaloneCluster cluster;

  @BeforeAll
  static void startCluster() throws Exception {
    cluster = StandaloneCluster.start(dir, Map.of("127.0.0.2", List.of(), "127.0.0.3",
        List.of()));
    CliRunner.Result r = CliRunner.run("generate", "--rows", "4000", "--configs", "2", "--l", "8",
        "--n", "4", "--D", "16", "--hidden-dim", "16", "--bad-rows", "4", "--partitions",
        "" + PARTITIONS, "--out", dir + "/in", "--master", "local[2]");
    assertEquals(0, r.exitCode(), r.toString());
  }

  @AfterAll
  static void stopCluster() throws InterruptedException {
    if (cluster != null) {
      cluster.close();
    }
  }

  // One launcher per line: the kill is Spark's on each line, the launchers do not change it.
  @Test
  @Tag("on-3.5")
  void launchedByBinHypernetEveryRowComesOutOnceThoughAnExecutorIsKilled() throws Exception {
    everyRowComesOutOnceThoughAnExecutorIsKilledMidRun("bin/hypernet");
  }

  @Test
  @Tag("on-4.2")
  void launchedBySparkSubmitEveryRowComesOutOnceThoughAnExecutorIsKilled() throws Exception {
    everyRowComesOutOnceThoughAnExecutorIsKilledMidRun("spark-submit");
  }

  private static void everyRowComesOutOnceThoughAnExecutorIsKilledMidRun(String launcher)
      throws Exception {
    String output = dir + "/out-" + launcher.replace('/', '-');
    List<String> job = List.of("run", "--input", dir + "/in/w", "--configs", dir + "/in/configs",
        "--output", output, "--engine", "jvm", "--batch-size", "16");
    Set<Long> before = pids(cluster.executors());
    Path log = dir.resolve(launcher.replace('/', '-') + ".log");
    Process driver = launcher.equals("bin/hypernet") ? hypernet(job, log) : sparkSubmit(job, log);
    try {
      List<ProcessHandle> victims = awaitMainPass(driver, before, log);
      assertTrue(driver.isAlive(), "the run was still going at the kill");
      for (ProcessHandle victim : victims) { // whichever runs the lagging partition 0
        victim.destroyForcibly(); // SIGKILL
        assertTrue(victim.onExit().get(30, TimeUnit.SECONDS) != null);
      }
      assertTrue(driver.waitFor(6, TimeUnit.MINUTES), Files.readString(log));
    } finally {
      driver.destroyForcibly();
    }
    String console = Files.readString(log);
    assertEquals(0, driver.exitValue(), console);
    assertTrue(console.contains("4000 rows in, 3996 written, 4 rejected"), console);
    assertTrue(console.contains("Lost executor"), "the driver saw the kill:\n" + console);
    RunReport report = RunReport.fromJson(Files.readString(Path.of(output, "_report.json")));
    assertTrue(report.master().startsWith("spark://"), report.master());
    PublishedOutput.assertEveryRowOnce(dir + "/in/w", output, PARTITIONS);
    PublishedOutput.assertMatchesFloat64Reference(dir + "/in/w", dir + "/in/configs", output);
  }

  /** bin/hypernet with the master and settings on its command line, the address from the env. */
  private static Process hypernet(List<String> job, Path log) throws Exception {
    List<String> args = new ArrayList<>(job);
    args.addAll(List.of("--master", cluster.masterUrl()));
    SETTINGS.forEach(s -> args.addAll(List.of("--conf", s)));
    return Launcher.start(Map.of("SPARK_LOCAL_IP", "127.0.0.1"), log, args.toArray(String[]::new));
  }

  /** Client-mode spark-submit as in docs/clusters.md: our settings as --conf, no properties. */
  private static Process sparkSubmit(List<String> job, Path log) throws Exception {
    Path home = SparkHome.create(dir.resolve("submit"));
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    command.addAll(SparkHome.jvmFlags());
    command.addAll(List.of("-cp", home.resolve("jars") + "/*",
        "-Dlog4j2.configurationFile=" + Launcher.ROOT.resolve("conf/log4j2.properties"),
        "org.apache.spark.deploy.SparkSubmit", "--master", cluster.masterUrl(),
        "--deploy-mode", "client", "--class", "io.hypernet.job.HypernetCli",
        "--conf", "spark.driver.extraJavaOptions=" + JAVA_OPTIONS,
        "--conf", "spark.executor.extraJavaOptions=" + JAVA_OPTIONS));
    SETTINGS.forEach(s -> command.addAll(List.of("--conf", s)));
    command.add(SparkHome.applicationJar().toString());
    command.addAll(job);
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(log.toFile());
    pb.environment().put("SPARK_HOME", home.toString());
    pb.environment().put("SPARK_SCALA_VERSION", "2.12");
    pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    return pb.start();
  }

  /**
   * Waits until the driver logs its main pass and this run's executors are up, and returns
   * them.
   */
  private static List<ProcessHandle> awaitMainPass(Process driver, Set<Long> before, Path log)
      throws Exception {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(6);
    while (System.nanoTime() < deadline && driver.isAlive()) {
      List<ProcessHandle> ours = cluster.executors().stream()
          .filter(p -> !before.contains(p.pid())).toList();
      if (ours.size() == 2 && Files.readString(log).contains("reconciling 4000 rows")) {
        Thread.sleep(1000); // into the pass: tasks hold rows and partition 0 lags
        return ours;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("no main pass on two executors:\n" + Files.readString(log));
  }

  private static Set<Long> pids(List<ProcessHandle> processes) {
    return processes.stream().map(ProcessHandle::pid).collect(Collectors.toSet());
  }
}
