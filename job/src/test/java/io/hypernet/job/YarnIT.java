package io.hypernet.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hypernet.job.report.LastRunReport;
import io.hypernet.job.report.RunReport;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.yarn.api.records.FinalApplicationStatus;
import org.apache.hadoop.yarn.server.resourcemanager.rmapp.RMApp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/clusters.md's YARN command for real: Spark's own spark-submit (a SPARK_HOME of Spark's
 * jars and spark-yarn, HADOOP_CONF_DIR naming the cluster) submits the shaded application jar to
 * a MiniYARNCluster whose filesystem is a MiniDFSCluster (hadoop-client-minicluster at the line's
 * Hadoop release); the ApplicationMaster, the driver in cluster mode, and each executor run in a
 * container JVM of their own. Client and cluster mode write every row on both lines, cluster
 * mode although an executor container is SIGKILLed in the main pass; a bad input and a reject
 * policy come out as YARN and spark-submit surface them (one line each: the exit path is the
 * same on both).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class YarnIT {
  /** Input partitions, and the output's part files: one per executor core. */
  private static final int PARTITIONS = 2;
  private static final int ROWS = 2000;
  private static final String RESULT = ROWS + " rows in, " + (ROWS - 4) + " written, 4 rejected";
  /** The JVM options docs/clusters.md ("Our settings go with --conf") passes with --conf. */
  private static final String JAVA_OPTIONS = "--add-modules=jdk.incubator.vector"
      + " -Dai.djl.offline=true -Dai.djl.pytorch.num_threads=1"
      + " -Dai.djl.pytorch.num_interop_threads=1";
  /** Partition 0's first attempt lags this long: the run is surely still going at the kill. */
  private static final String SLOW = "spark.hypernet.test.faults=slow-partition=0:6000";

  @TempDir
  static Path dir;
  private static HadoopCluster cluster;
  private static FileSystem fs;
  private static Path home;

  /** The runs in flight or done, by name (see {@link #run}). */
  private static final Map<String, Run> RUNS = new ConcurrentHashMap<>();

  @BeforeAll
  static void startClusterAndWriteInput() throws Exception {
    cluster = HadoopCluster.startHdfsAndYarn(dir);
    fs = cluster.fileSystem();
    home = SparkHome.createForYarn(dir.resolve("spark"));
    // The cluster's logging (spark-submit ships it to the containers): WARN, our INFO, and
    // where each task starts, by which the kill finds its executor.
    Files.createDirectories(home.resolve("conf"));
    Files.writeString(home.resolve("conf/log4j2.properties"), Files.readString(
        Launcher.ROOT.resolve("conf/log4j2.properties"))
        + "logger.tasks.name = org.apache.spark.scheduler.TaskSetManager\n"
        + "logger.tasks.level = info\n");
    CliRunner.Result r = CliRunner.run("generate", "--rows", "" + ROWS, "--configs", "2", "--l",
        "8", "--n", "4", "--D", "16", "--hidden-dim", "16", "--bad-rows", "4", "--partitions",
        "" + PARTITIONS, "--out", cluster.hdfs("/data"), "--master", "local[2]");
    assertEquals(0, r.exitCode(), r.toString());
    // The applications of the other tests run on the cluster while the kill test runs (as
    // applications share a cluster): 3.5's client-mode exit-code run, 4.2's client-mode run
    // and cluster-mode exit-code run (their tags say which line runs which).
    if (SparkHome.LINE.equals("3.5")) {
      run("reject-policy");
    } else {
      run("client");
      run("bad-input");
    }
  }

  @AfterAll
  static void stopCluster() {
    RUNS.values().forEach(run -> run.process().destroyForcibly());
    if (cluster != null) {
      cluster.close();
    }
  }

  /** The runs of the tests: each started once, by the first to ask. */
  private static Run run(String name) {
    return RUNS.computeIfAbsent(name, n -> switch (n) {
      case "client" -> start(n, "client", 1, List.of(), "/data/W-client");
      // docs/clusters.md's command exactly, with its paths. Partitions of several batches: the
      // lag comes before a task's second.
      case "cluster-kill" -> start(n, "cluster", 2, List.of(SLOW), "/data/W", "--batch-size",
          "64");
      // Dynamic allocation from no executor: the driver finds the path missing before any task.
      case "bad-input" -> start(n, "cluster", 0, List.of(), "/data/W-bad", "--configs",
          cluster.hdfs("/data/no-such-configs"));
      case "reject-policy" -> start(n, "client", 1, List.of(), "/data/W-policy",
          "--max-reject-fraction", "0");
      default -> throw new IllegalArgumentException(n);
    });
  }

  /**
   * Cluster mode, the driver inside the ApplicationMaster: one executor container JVM is
   * SIGKILLed while it runs the main pass's partition 0, and every row still comes out once,
   * within the float64 reference's tolerance.
   */
  @Test
  @Order(1) // first: the other tests' applications run meanwhile
  void clusterModeWritesEveryRowOnceThoughAnExecutorIsKilled() throws Exception {
    Run run = run("cluster-kill");
    String app = run.awaitApplication();
    ProcessHandle victim = awaitMainPassExecutor(app, run);
    Thread.sleep(1000); // into the pass: partition 0 holds rows and lags
    assertTrue(run.process().isAlive(), "the run was still going at the kill");
    victim.destroyForcibly(); // SIGKILL
    assertTrue(victim.onExit().get(30, TimeUnit.SECONDS) != null);
    Submission s = run.await();
    String logs = cluster.containerLogs(app);
    assertEquals(0, s.exitCode(), s.console() + logs);
    assertEquals(FinalApplicationStatus.SUCCEEDED, s.app().getFinalApplicationStatus(), logs);
    assertTrue(cluster.driverLog(app, "stdout").contains("hypernet run succeeded: " + RESULT),
        logs);
    assertTrue(logs.contains("Lost executor"), "the driver saw the kill:\n" + logs);
    RunReport report = report("/data/W");
    assertEquals(app, report.applicationId());
    assertEquals("yarn", report.master());
    // --engine auto: the executors have the vector module, so the jvm engine.
    assertEquals(List.of("jvm/cpu"), report.engines(), report.toJson());
    assertEveryRowOnce("/data/W");
    PublishedOutput.assertMatchesFloat64Reference(cluster.hdfs("/data/w"),
        cluster.hdfs("/data/configs"), cluster.hdfs("/data/W"));
  }

  /** Client mode, the driver in spark-submit: its exit code is the job's, 0. */
  @Test
  @Order(2)
  @Tag("on-4.2") // one line's client mode writes every row; 3.5's runs clientModeRejectPolicy...
  void clientModeWritesEveryRow() throws Exception {
    Submission s = run("client").await();
    assertEquals(0, s.exitCode(), s.console());
    assertTrue(s.console().contains("hypernet run succeeded: " + RESULT), s.console());
    assertEquals(FinalApplicationStatus.SUCCEEDED, s.app().getFinalApplicationStatus());
    RunReport report = report("/data/W-client");
    assertEquals("yarn", report.master());
    assertEquals(s.id(), report.applicationId());
    assertEveryRowOnce("/data/W-client");
  }

  /**
   * Cluster mode: a bad input (a configurations path that does not exist) fails the
   * application with the job's code in its diagnostics; spark-submit exits 1; the last-run
   * report beside the output says why.
   */
  @Test
  @Order(3)
  @Tag("spark-independent") // the same exit path on every line: runs on one
  @Tag("on-4.2") // 4.2, where its application (no executor) evens out the lines' times
  void clusterModeBadInputFailsTheApplicationWithStatus2() throws Exception {
    Submission s = run("bad-input").await();
    assertEquals(1, s.exitCode(), s.console());
    String logs = cluster.containerLogs(s.id());
    assertEquals(FinalApplicationStatus.FAILED, s.app().getFinalApplicationStatus(), logs);
    assertTrue(s.app().getDiagnostics().toString()
        .contains("User application exited with status 2"), s.app().getDiagnostics() + logs);
    assertEquals(1, s.app().getAppAttempts().size(), "no second attempt of a bad input");
    LastRunReport.Failure failure = LastRunReport.Failure.fromJson(
        read("/data/_last_run/W-bad.report.json"));
    assertEquals(2, failure.reason().exitCode(), failure.toJson());
    assertTrue(failure.reason().message().contains(cluster.hdfs("/data/no-such-configs")),
        failure.toJson());
    assertEquals(s.id(), failure.applicationId());
    assertTrue(logs.contains("hypernet: " + failure.reason().message()), logs);
    assertFalse(fs.exists(new org.apache.hadoop.fs.Path("/data/W-bad")));
  }

  /**
   * Client mode: the reject policy's exit 3 is spark-submit's exit code; nothing is published
   * and the last-run report says why.
   */
  @Test
  @Order(4)
  @Tag("spark-independent") // the same on every line: runs on the default one (3.5)
  void clientModeRejectPolicyExitsWith3() throws Exception {
    Submission s = run("reject-policy").await();
    assertEquals(3, s.exitCode(), s.console());
    LastRunReport.Failure failure = LastRunReport.Failure.fromJson(
        read("/data/_last_run/W-policy.report.json"));
    assertEquals(3, failure.reason().exitCode(), failure.toJson());
    assertEquals(s.id(), failure.applicationId());
    assertTrue(s.console().contains("hypernet: " + failure.reason().message()), s.console());
    assertFalse(fs.exists(new org.apache.hadoop.fs.Path("/data/W-policy")));
    for (FileStatus f : fs.listStatus(new org.apache.hadoop.fs.Path("/data"))) {
      assertFalse(f.getPath().getName().startsWith("W-policy."), "left: " + f.getPath());
    }
  }

  // ---------------------------------------------------------------------------------------

  /** One spark-submit run to its end, and its application as the ResourceManager saw it. */
  private record Submission(int exitCode, String console, RMApp app) {
    String id() {
      return app.getApplicationId().toString();
    }
  }

  /** A spark-submit in flight; its application carries the run's name as its YARN tag. */
  private record Run(String tag, Process process, Path log) {
    /** The application's id, once the ResourceManager has it. */
    String awaitApplication() throws Exception {
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
      while (System.nanoTime() < deadline) {
        for (RMApp app : cluster.applications()) {
          if (app.getApplicationTags().contains(tag)) {
            return app.getApplicationId().toString();
          }
        }
        if (!process.isAlive()) {
          break;
        }
        Thread.sleep(100);
      }
      throw new AssertionError("no application tagged " + tag + ":\n" + Files.readString(log));
    }

    Submission await() throws Exception {
      try {
        if (!process.waitFor(5, TimeUnit.MINUTES)) {
          throw new AssertionError("spark-submit timed out:\n" + Files.readString(log));
        }
      } finally {
        process.destroyForcibly();
      }
      String console = Files.readString(log);
      String id = awaitApplication();
      return new Submission(process.exitValue(), console,
          cluster.awaitFinished(id, 1, TimeUnit.MINUTES));
    }
  }

  private static Run start(String tag, String deployMode, int executors, List<String> conf,
      String output, String... jobArgs) {
    try {
      Path log = dir.resolve("submit-" + tag + ".log");
      List<String> settings = new ArrayList<>(conf);
      settings.add("spark.yarn.tags=" + tag);
      ProcessBuilder builder = new ProcessBuilder(command(deployMode, executors, settings,
          output, jobArgs)).redirectErrorStream(true).redirectOutput(log.toFile());
      environment(builder);
      return new Run(tag, builder.start(), log);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /**
   * docs/clusters.md's YARN command, with this cluster's sizes: executors of 512 MiB, the AM
   * (the driver, in cluster mode) as small, Spark's jars from the SPARK_HOME every node has
   * (spark.yarn.jars, nothing uploaded but the application jar), one attempt.
   */
  private static List<String> command(String deployMode, int executors, List<String> conf,
      String output, String... jobArgs) throws IOException {
    List<String> command = new ArrayList<>(List.of(home.resolve("bin/spark-submit").toString(),
        "--master", "yarn", "--deploy-mode", deployMode,
        "--class", "io.hypernet.job.HypernetCli",
        "--conf", "spark.driver.extraJavaOptions=" + JAVA_OPTIONS,
        "--conf", "spark.executor.extraJavaOptions=" + JAVA_OPTIONS,
        "--conf", "spark.executor.memory=512m"));
    if (executors > 0) {
      command.addAll(List.of("--num-executors", "" + executors));
    } else {
      command.addAll(List.of("--conf", "spark.dynamicAllocation.enabled=true",
          "--conf", "spark.dynamicAllocation.shuffleTracking.enabled=true",
          "--conf", "spark.dynamicAllocation.initialExecutors=0"));
    }
    command.addAll(List.of(
        "--conf", "spark.driver.memory=512m", "--conf", "spark.yarn.am.memory=512m",
        "--conf", "spark.yarn.jars=local:" + home.resolve("jars") + "/*",
        "--conf", "spark.yarn.maxAppAttempts=1", "--conf", "spark.ui.enabled=false",
        // The ApplicationMaster's address, which its executors inherit: this machine's
        // loopback (else Spark picks a non-loopback interface).
        "--conf", "spark.yarn.appMasterEnv.SPARK_LOCAL_IP=127.0.0.1"));
    conf.forEach(c -> command.addAll(List.of("--conf", c)));
    command.add(SparkHome.applicationJar().toString());
    Map<String, String> job = new HashMap<>(Map.of("--input", "hdfs:///data/w",
        "--configs", "hdfs:///data/configs", "--output", "hdfs://" + output));
    List<String> extra = new ArrayList<>();
    for (int i = 0; i < jobArgs.length; i += 2) {
      if (job.containsKey(jobArgs[i])) {
        job.put(jobArgs[i], jobArgs[i + 1]);
      } else {
        extra.addAll(List.of(jobArgs[i], jobArgs[i + 1]));
      }
    }
    command.addAll(List.of("run", "--input", job.get("--input"), "--configs",
        job.get("--configs"), "--output", job.get("--output")));
    command.addAll(extra);
    return command;
  }

  private static void environment(ProcessBuilder builder) {
    builder.environment().putAll(SparkHome.environment(home));
    builder.environment().put("HADOOP_CONF_DIR", cluster.confDir().toString());
    builder.environment().put("YARN_CONF_DIR", cluster.confDir().toString());
  }

  /**
   * The executor JVM that runs the main pass's partition 0 (the lagging one), once it does: the
   * driver logs where it starts each task, after the "reconciling" line of the main pass.
   */
  private static ProcessHandle awaitMainPassExecutor(String app, Run run) throws Exception {
    Pattern start = Pattern.compile("Starting task 0\\.0 in stage \\d+\\.0 \\(TID \\d+\\) \\("
        + "[^,]*, ?executor (\\d+), partition 0,");
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(4);
    while (System.nanoTime() < deadline && run.process().isAlive()) {
      String driver = cluster.driverLog(app, "stderr");
      int pass = driver.indexOf("reconciling " + ROWS + " rows");
      if (pass >= 0) {
        Matcher m = start.matcher(driver.substring(pass));
        if (m.find()) {
          String executor = m.group(1);
          List<ProcessHandle> jvms = HadoopCluster.containers("YarnCoarseGrainedExecutorBackend")
              .stream().filter(h -> {
                String line = h.info().commandLine().orElse("");
                return h.info().command().orElse("").endsWith("/java") // not its bash
                    && line.contains(app) && line.contains("--executor-id " + executor + " ");
              }).toList();
          assertEquals(1, jvms.size(), "executor " + executor + " of " + app + ": "
              + HadoopCluster.containers("YarnCoarseGrainedExecutorBackend").stream()
                  .map(h -> h.info().commandLine().orElse("")).toList());
          return jvms.get(0);
        }
      }
      Thread.sleep(100);
    }
    throw new AssertionError("no main pass:\n" + Files.readString(run.log())
        + cluster.containerLogs(app));
  }

  /** Every input id written or rejected once (see {@link PublishedOutput}), all of this input. */
  private static void assertEveryRowOnce(String output) throws IOException {
    RunReport report = PublishedOutput.assertEveryRowOnce(cluster.hdfs("/data/w"),
        cluster.hdfs(output), PARTITIONS);
    assertEquals(ROWS, report.rowsIn());
    assertEquals(ROWS - 4, report.rowsWritten());
  }

  private static RunReport report(String output) throws IOException {
    return RunReport.fromJson(read(output + "/_report.json"));
  }

  private static String read(String path) throws IOException {
    try (var stream = fs.open(new org.apache.hadoop.fs.Path(path))) {
      return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
