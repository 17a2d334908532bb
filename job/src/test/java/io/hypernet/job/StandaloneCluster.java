package io.hypernet.job;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A Spark standalone master and one-core workers, each a JVM of its own and each worker on its
 * own loopback address: the scheduler sees distinct hosts, which speculation needs (Spark never
 * runs a speculative copy on a host where the task already runs, and never speculates in local
 * mode). Executors get Spark's jars only, like on a cluster.
 */
final class StandaloneCluster implements AutoCloseable {
  private static final String MASTER_HOST = "127.0.0.1";
  private final List<Process> processes = new ArrayList<>();
  private final Path dir;
  private final Path home;
  private final String masterUrl;

  private StandaloneCluster(Path dir, Path home, int port) {
    this.dir = dir;
    this.home = home;
    this.masterUrl = "spark://" + MASTER_HOST + ":" + port;
  }

  /**
   * Starts a master and a worker per entry of {@code workers}: host address to the extra
   * {@code -D} settings of that worker (e.g. its GPU discovery script).
   */
  static StandaloneCluster start(Path dir, Map<String, List<String>> workers) throws Exception {
    int port;
    try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getByName(MASTER_HOST))) {
      port = free.getLocalPort();
    }
    StandaloneCluster cluster = new StandaloneCluster(dir, SparkHome.create(dir), port);
    try {
      cluster.launch("master", MASTER_HOST, List.of(), "org.apache.spark.deploy.master.Master",
          "--host", MASTER_HOST, "--port", "" + port, "--webui-port", "0");
      for (Map.Entry<String, List<String>> worker : workers.entrySet()) {
        String host = worker.getKey();
        cluster.launch("worker-" + host, host, worker.getValue(),
            "org.apache.spark.deploy.worker.Worker", "--host", host, "--cores", "1", "--memory",
            "1g", "--webui-port", "0", "--work-dir", dir.resolve("work-" + host).toString(),
            cluster.masterUrl);
      }
      cluster.awaitWorkers(workers.size());
      return cluster;
    } catch (Exception | Error e) {
      cluster.close();
      throw e;
    }
  }

  String masterUrl() {
    return masterUrl;
  }

  /** The executor JVMs the workers run now, of every application. */
  List<ProcessHandle> executors() {
    return processes.stream().flatMap(Process::descendants)
        .filter(p -> p.info().commandLine().orElse("").contains("CoarseGrainedExecutorBackend"))
        .toList();
  }

  /** Everything the executors of all applications wrote to stderr. */
  String executorLogs() throws IOException {
    StringBuilder all = new StringBuilder();
    try (var files = Files.walk(dir)) {
      for (Path log : files.filter(p -> p.getFileName().toString().equals("stderr")).toList()) {
        all.append(Files.readString(log));
      }
    }
    return all.toString();
  }

  private void launch(String name, String host, List<String> settings, String mainClass,
      String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m"));
    command.addAll(SparkHome.jvmFlags());
    command.addAll(settings);
    command.addAll(List.of("-cp", home.resolve("jars") + "/*", mainClass));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(dir.resolve(name + ".log").toFile());
    pb.environment().put("SPARK_HOME", home.toString());
    pb.environment().put("SPARK_SCALA_VERSION", "2.12");
    pb.environment().put("SPARK_LOCAL_IP", host); // executors inherit it, and bind there
    processes.add(pb.start());
  }

  private void awaitWorkers(int count) throws Exception {
    Path log = dir.resolve("master.log");
    long deadline = System.nanoTime() + 120_000_000_000L;
    while (System.nanoTime() < deadline) {
      if (Files.exists(log) && Files.readString(log).split("Registering worker", -1).length
          > count) {
        return;
      }
      Thread.sleep(200);
    }
    throw new AssertionError(count + " workers did not register:\n" + Files.readString(log));
  }

  @Override
  public void close() throws InterruptedException {
    for (Process p : processes) {
      p.destroy();
    }
    for (Process p : processes) {
      if (!p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
    }
  }
}
