package io.hypernet.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hypernet.job.report.RunReport;
import io.hypernet.spark.ReconcileMetrics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * GPU resource scheduling without a GPU: spark-submit on {@code local-cluster[1,2,1024]} (one
 * executor JVM with two task slots), its worker discovering one GPU through
 * conf/gpu-discovery.sh and a fake nvidia-smi, and two tasks sharing that GPU
 * ({@code spark.task.resource.gpu.amount=0.5}). PyTorch's CPU natives see no GPU, so the engine
 * must fall back to the CPU and say why once; the GPU semaphore still bounds the tasks.
 */
// On one line: the semaphore and the fallback are ours; Spark's GPU assignment is checked on both
// lines by ClusterAttemptsIT.
@Tag("on-3.5")
class GpuExecutorsIT {
  private static final Pattern CPU_REASON = Pattern.compile(
      "running on CPU: engine djl: CUDA device 0 was assigned but PyTorch sees 0 GPU");
  @TempDir
  static Path dir;

  @BeforeAll
  static void input() throws IOException {
    // Read as two partitions (two cores) of 2,000 rows, 8 batches each.
    assertEquals(0, CliRunner.run("generate", "--rows", "4000", "--configs", "2", "--l", "8",
        "--n", "8", "--D", "32", "--hidden-dim", "16", "--bad-rows", "4", "--partitions", "2",
        "--out", dir + "/in", "--master", "local[2]").exitCode());
    Path fakeBin = Files.createDirectories(dir.resolve("fake-bin"));
    Path smi = fakeBin.resolve("nvidia-smi");
    Files.writeString(smi, "#!/bin/sh\nprintf '0, GPU-6f1c2d3e-0000-4000-8000-000000000001\\n'\n");
    Files.setPosixFilePermissions(smi, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  /**
   * One permit for two tasks: they take turns (a task waited, so both wanted the device at once,
   * yet never two had it), and every first attempt fails after its first batch on the device, so
   * a permit that failure did not return would leave the retries waiting forever. (That the
   * peak counts real sharing is shown with threads in GpuSemaphoreTest.)
   */
  @Test
  void oneTaskAtATimeOnTheDeviceAndAFailedTaskGivesItsTurnBack() throws Exception {
    Path app = submit("one-permit", "spark.hypernet.gpu.concurrentTasks=1",
        "spark.hypernet.test.faults=fail-first-attempt");
    RunReport report = report("one-permit");
    assertEquals(3_996, report.rowsWritten());
    assertEquals(List.of("djl/cpu"), report.engines(), "the device the stages actually used");
    ReconcileMetrics.GpuStage gpu = reconcileStage(report);
    assertEquals(List.of("0"), gpu.addresses(), "tasks saw the address discovery gave");
    assertEquals(1, gpu.peakConcurrentTasks());
    assertTrue(gpu.waitMs() > 0, "a task waited for the device: " + gpu);
    assertTrue(gpu.tasks() >= 2, gpu.toString());
    assertEquals(1, occurrences(CPU_REASON, executorLog(app)), "logged once per executor");
  }

  /** Runs the job through spark-submit; returns the application's executor work directory. */
  private static Path submit(String name, String... conf) throws Exception {
    Path home = SparkHome.create(dir.resolve(name));
    String nativeJar = SparkHome.entries("classpath-runtime.txt").stream()
        .filter(j -> j.contains("pytorch-native-cpu")).findFirst().orElseThrow();
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    command.addAll(SparkHome.jvmFlags());
    command.addAll(List.of("-cp", home.resolve("jars") + "/*",
        "-Dlog4j2.configurationFile=" + Launcher.ROOT.resolve("conf/log4j2.properties"),
        "org.apache.spark.deploy.SparkSubmit", "--master", "local-cluster[1,2,1024]",
        "--class", "io.hypernet.job.HypernetCli",
        "--properties-file", Launcher.ROOT.resolve("conf/spark-defaults.conf").toString(),
        "--conf", "spark.worker.resource.gpu.amount=1",
        "--conf", "spark.worker.resource.gpu.discoveryScript="
            + Launcher.ROOT.resolve("conf/gpu-discovery.sh"),
        "--conf", "spark.executor.resource.gpu.amount=1",
        "--conf", "spark.task.resource.gpu.amount=0.5"));
    for (String c : conf) {
      command.addAll(List.of("--conf", c));
    }
    command.addAll(List.of("--jars", nativeJar, SparkHome.applicationJar().toString(),
        "run", "--input", dir + "/in/w", "--configs", dir + "/in/configs", "--engine", "djl",
        "--batch-size", "256", "--output", dir + "/" + name + "-out"));
    Path log = dir.resolve(name + ".log");
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(log.toFile());
    pb.environment().put("SPARK_HOME", home.toString());
    pb.environment().put("SPARK_SCALA_VERSION", "2.12");
    pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    pb.environment().put("PATH", dir.resolve("fake-bin") + ":" + System.getenv("PATH"));
    pb.environment().remove("CUDA_VISIBLE_DEVICES");
    Process submit = pb.start();
    boolean finished = submit.waitFor(3, TimeUnit.MINUTES);
    if (!finished) {
      submit.destroyForcibly();
    }
    String output = Files.readString(log);
    assertTrue(finished, "spark-submit timed out (a GPU permit never returned?):\n" + output);
    assertEquals(0, submit.exitValue(), output);
    return home.resolve("work");
  }

  private static RunReport report(String name) throws IOException {
    return RunReport.fromJson(Files.readString(dir.resolve(name + "-out/_report.json")));
  }

  /**
   * The one stage whose tasks were given GPUs, the reconciliation pass: every task that computed
   * W there recorded its GPU.
   */
  private static ReconcileMetrics.GpuStage reconcileStage(RunReport report) {
    Map<String, ReconcileMetrics.GpuStage> stages = report.gpuByStage();
    assertEquals(report.enginesByStage().keySet(), stages.keySet());
    Map.Entry<String, ReconcileMetrics.GpuStage> stage = stages.entrySet().iterator().next();
    assertEquals(report.enginesByStage().get(stage.getKey()).values().stream()
        .mapToLong(Long::longValue).sum(), stage.getValue().tasks(), stages.toString());
    return stage.getValue();
  }

  private static String executorLog(Path work) throws IOException {
    StringBuilder all = new StringBuilder();
    try (var files = Files.walk(work)) {
      for (Path f : files.filter(p -> p.getFileName().toString().equals("stderr")).toList()) {
        all.append(Files.readString(f));
      }
    }
    return all.toString();
  }

  private static int occurrences(Pattern pattern, String text) {
    Matcher m = pattern.matcher(text);
    int n = 0;
    while (m.find()) {
      n++;
    }
    return n;
  }
}
