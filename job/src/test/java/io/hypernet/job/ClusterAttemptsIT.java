package io.hypernet.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hypernet.job.report.RunReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job on a standalone cluster of two one-core workers on two hosts (loopback addresses),
 * the driver in this JVM: a partition whose first attempt lags gets a speculative copy on the
 * other host, which wins; and workers whose GPUs have UUID or MIG addresses run every task.
 */
class ClusterAttemptsIT {
  private static final int PARTITIONS = 2;
  private static final Map<String, String> GPU_ADDRESSES = Map.of(
      "127.0.0.2", "GPU-6f1c2d3e-0000-4000-8000-000000000001",
      "127.0.0.3", "MIG-GPU-6f1c2d3e-0000-4000-8000-000000000002/1/0");

  @TempDir
  static Path dir;
  private static StandaloneCluster cluster;

  @BeforeAll
  static void startCluster() throws Exception {
    Map<String, List<String>> workers = new HashMap<>();
    for (Map.Entry<String, String> gpu : GPU_ADDRESSES.entrySet()) {
      Path script = dir.resolve("gpus-" + gpu.getKey() + ".sh");
      Files.writeString(script, "#!/bin/sh\necho '{\"name\":\"gpu\",\"addresses\":[\""
          + gpu.getValue() + "\"]}'\n");
      Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
      workers.put(gpu.getKey(), List.of("-Dspark.worker.resource.gpu.amount=1",
          "-Dspark.worker.resource.gpu.discoveryScript=" + script));
    }
    cluster = StandaloneCluster.start(dir, workers);
    CliRunner.Result r = CliRunner.run("generate", "--rows", "800", "--configs", "2", "--l", "8",
        "--n", "4", "--D", "8", "--hidden-dim", "16", "--bad-rows", "4", "--partitions",
        "" + PARTITIONS, "--out", dir + "/in", "--master", "local[2]");
    assertEquals(0, r.exitCode(), r.toString());
  }

  @AfterAll
  static void stopCluster() throws InterruptedException {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void aLaggingAttemptIsOvertakenByASpeculativeCopyAndEveryRowIsWrittenOnce() throws Exception {
    speculate("bulk");
  }

  /**
   * --writer spark commits through Spark's own protocol, which Spark's suites test under
   * speculation on each line: here on one line, to keep both lines' build times.
   */
  @Test
  @Tag("on-3.5")
  void withSparksWriterTooEveryRowIsWrittenOnce() throws Exception {
    speculate("spark");
  }

  private static void speculate(String writer) throws Exception {
    String output = dir + "/speculated-" + writer;
    Map<String, String> settings = new HashMap<>(Map.of(
        "spark.speculation", "true",
        "spark.speculation.interval", "100ms",
        "spark.speculation.multiplier", "2",
        "spark.speculation.quantile", "0.5",
        "spark.speculation.minTaskRuntime", "500ms",
        // Longer than the whole run: only a speculative copy lets it finish in time.
        "spark.hypernet.test.faults", "slow-partition=0:120000"));
    CliRunner.Result r = run(settings, "--output", output, "--writer", writer, "--engine", "jvm");
    assertEquals(0, r.exitCode(), r.toString());
    assertTrue(TaskAttempts.speculativeSuccesses() >= 1, "a speculative copy won");
    PublishedOutput.assertEveryRowOnce(dir + "/in/w", output, PARTITIONS);
  }

  @Test
  void tasksGivenGpusWithUuidOrMigAddressesRunAndSayWhichDeviceTheyUse() throws Exception {
    String output = dir + "/gpu";
    CliRunner.Result r = run(Map.of("spark.executor.resource.gpu.amount", "1",
        "spark.task.resource.gpu.amount", "1"), "--output", output, "--engine", "auto");
    assertEquals(0, r.exitCode(), r.toString());
    RunReport report = RunReport.fromJson(Files.readString(Path.of(output, "_report.json")));
    assertEquals(796, report.rowsWritten());
    String logs = cluster.executorLogs();
    assertTrue(GPU_ADDRESSES.values().stream().anyMatch(a -> logs.contains(
        "GPU address '" + a + "' assigned by Spark is not a device ordinal")), logs);
  }

  /** Runs the job on the cluster with these Spark settings (SparkConf reads them from -D). */
  private static CliRunner.Result run(Map<String, String> settings, String... args)
      throws Exception {
    Map<String, String> all = new HashMap<>(settings);
    all.putAll(Map.of(
        "spark.driver.host", "127.0.0.1",
        "spark.driver.bindAddress", "127.0.0.1",
        "spark.ui.enabled", "false",
        "spark.jars", SparkHome.applicationJar().toString(),
        "spark.executor.memory", "512m",
        "spark.executor.extraJavaOptions", "--add-modules=jdk.incubator.vector"
            + " -Dai.djl.offline=true",
        "spark.extraListeners", TaskAttempts.class.getName()));
    TaskAttempts.reset();
    all.forEach(System::setProperty);
    try {
      String[] command = {"run", "--input", dir + "/in/w", "--configs", dir + "/in/configs",
          "--batch-size", "16", "--master", cluster.masterUrl()};
      String[] full = java.util.Arrays.copyOf(command, command.length + args.length);
      System.arraycopy(args, 0, full, command.length, args.length);
      return CliRunner.run(full);
    } finally {
      all.keySet().forEach(System::clearProperty);
    }
  }
}
