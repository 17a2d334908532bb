package io.hypernet.job;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.commons.io.FileUtils;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.apache.hadoop.yarn.conf.YarnConfiguration;
import org.apache.hadoop.yarn.server.MiniYARNCluster;
import org.apache.hadoop.yarn.server.resourcemanager.rmapp.RMApp;

/**
 * Real HDFS, and YARN on it, in this JVM from hadoop-client-minicluster at the Hadoop release of
 * the line's Spark: a NameNode and DataNodes on 127.0.0.1, and a ResourceManager with one
 * NodeManager whose containers are JVMs of their own (the default container executor), as
 * Spark's own YarnClusterSuite runs them. {@link #confDir} holds the core-site.xml and
 * yarn-site.xml a client is given as HADOOP_CONF_DIR. {@link #close} stops everything, the
 * container JVMs included.
 */
final class HadoopCluster implements AutoCloseable {
  /**
   * Container memory: three applications at once, an AM and up to three executors of 512 MiB
   * heap (+384 MiB overhead) among them.
   */
  private static final int NODE_MEMORY_MB = 8192;

  /** MiniYARNCluster's name and its work directory's, target/NAME under job/: one per line. */
  private static final String YARN_NAME = "hypernet-yarn-" + SparkHome.LINE;

  private final Path dir;
  private MiniDFSCluster hdfs;
  private MiniYARNCluster yarn;
  private String hdfsUri;

  private HadoopCluster(Path dir) {
    this.dir = dir;
  }

  /** HDFS only, with two DataNodes: files are written through a pipeline of two. */
  static HadoopCluster startHdfs(Path dir) throws IOException {
    return start(dir, 2, false);
  }

  /** HDFS with one DataNode, and YARN with HDFS as its default filesystem. */
  static HadoopCluster startHdfsAndYarn(Path dir) throws IOException {
    return start(dir, 1, true);
  }

  private static HadoopCluster start(Path dir, int dataNodes, boolean withYarn)
      throws IOException {
    HadoopCluster cluster = new HadoopCluster(dir);
    try {
      cluster.startHdfs(dataNodes);
      if (withYarn) {
        cluster.startYarn();
      }
      cluster.writeConfDir();
      return cluster;
    } catch (IOException | RuntimeException | Error e) {
      cluster.close();
      throw e;
    }
  }

  private void startHdfs(int dataNodes) throws IOException {
    Configuration conf = new Configuration();
    conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, dir.resolve("hdfs").toString());
    conf.set("hadoop.tmp.dir", dir.resolve("tmp").toString());
    conf.setInt("dfs.replication", dataNodes);
    conf.setInt("dfs.heartbeat.interval", 1);
    hdfs = new MiniDFSCluster.Builder(conf).numDataNodes(dataNodes).build();
    hdfs.waitActive();
    hdfsUri = "hdfs://127.0.0.1:" + hdfs.getNameNodePort();
  }

  private void startYarn() throws IOException {
    YarnConfiguration conf = new YarnConfiguration(hdfs.getConfiguration(0));
    conf.set("fs.defaultFS", hdfsUri);
    conf.set("hadoop.tmp.dir", dir.resolve("tmp").toString());
    conf.set("yarn.resourcemanager.hostname", "127.0.0.1");
    // hadoop-client-minicluster lacks capacity-scheduler.xml (as in Spark's YarnClusterSuite).
    conf.set("yarn.scheduler.capacity.root.queues", "default");
    conf.setInt("yarn.scheduler.capacity.root.default.capacity", 100);
    conf.setFloat("yarn.scheduler.capacity.root.default.user-limit-factor", 1);
    conf.setInt("yarn.scheduler.capacity.root.default.maximum-capacity", 100);
    conf.set("yarn.scheduler.capacity.root.default.state", "RUNNING");
    conf.set("yarn.scheduler.capacity.root.default.acl_submit_applications", "*");
    conf.set("yarn.scheduler.capacity.root.default.acl_administer_queue", "*");
    conf.setInt("yarn.scheduler.capacity.node-locality-delay", -1);
    conf.set("yarn.nodemanager.disk-health-checker.max-disk-utilization-per-disk-percentage",
        "100.0");
    conf.setInt("yarn.nodemanager.resource.memory-mb", NODE_MEMORY_MB);
    conf.setInt("yarn.nodemanager.resource.cpu-vcores", 8);
    conf.setInt("yarn.scheduler.minimum-allocation-mb", 128);
    conf.setInt("yarn.scheduler.maximum-allocation-mb", NODE_MEMORY_MB);
    // The suite's C1-only JVMs reserve a large code cache; YARN would count it as used memory.
    conf.setBoolean("yarn.nodemanager.vmem-check-enabled", false);
    conf.setBoolean("yarn.nodemanager.pmem-check-enabled", false);
    // What a cluster's hadoop-env.sh gives every container: Java, and here also the suite's
    // C1-only JIT (containers do not inherit this JVM's environment; Spark passes its SPARK_*
    // variables, SPARK_LOCAL_IP among them, on itself: YARN would append a second value).
    StringBuilder env = new StringBuilder("JAVA_HOME=" + System.getProperty("java.home"));
    String toolOptions = System.getenv("JAVA_TOOL_OPTIONS");
    if (toolOptions != null && !toolOptions.isBlank()) {
      env.append(",JAVA_TOOL_OPTIONS=").append(toolOptions);
    }
    conf.set("yarn.nodemanager.admin-env", env.toString());
    // NodeManagers report finished containers at once, not after the usual heartbeat.
    conf.setInt("yarn.resourcemanager.nodemanagers.heartbeat-interval-ms", 250);
    // Its work directory (the containers' directories and logs) is target/test/data/NAME/...
    // under the working directory, job/: NAME is the line's.
    yarn = new MiniYARNCluster(YARN_NAME, 1, 1, 1);
    yarn.init(conf);
    yarn.start();
    // MiniYARNCluster's start() may return before the RM has its port in the configuration.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (yarn.getConfig().get(YarnConfiguration.RM_ADDRESS).endsWith(":0")) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the ResourceManager did not come up");
      }
      sleep(100);
    }
  }

  private void writeConfDir() throws IOException {
    Path conf = Files.createDirectories(dir.resolve("hadoop-conf"));
    Configuration core = new Configuration(false);
    core.set("fs.defaultFS", hdfsUri);
    core.setInt("dfs.replication", hdfs.getDataNodes().size());
    write(core, conf.resolve("core-site.xml"));
    if (yarn != null) {
      // What a client needs: where the ResourceManager is. (The cluster's own configuration
      // names test classes, e.g. a StaticMapping rack resolver, that a client lacks.)
      Configuration site = new Configuration(false);
      for (Map.Entry<String, String> e : yarn.getConfig()) {
        if (e.getKey().startsWith("yarn.resourcemanager.")
            && (e.getKey().endsWith(".address") || e.getKey().endsWith(".hostname"))) {
          site.set(e.getKey(), yarn.getConfig().get(e.getKey()));
        }
      }
      write(site, conf.resolve("yarn-site.xml"));
    }
  }

  private static void write(Configuration conf, Path file) throws IOException {
    try (OutputStream out = Files.newOutputStream(file)) {
      conf.writeXml(out);
    }
  }

  /** {@code hdfs://127.0.0.1:PORT}. */
  String hdfs() {
    return hdfsUri;
  }

  /** {@code hdfs://127.0.0.1:PORT/path}. */
  String hdfs(String path) {
    return hdfsUri + (path.startsWith("/") ? path : "/" + path);
  }

  FileSystem fileSystem() throws IOException {
    return FileSystem.get(java.net.URI.create(hdfsUri), hdfs.getConfiguration(0));
  }

  /** HADOOP_CONF_DIR and YARN_CONF_DIR of a client. */
  Path confDir() {
    return dir.resolve("hadoop-conf");
  }

  /** The applications the ResourceManager knows, oldest first. */
  List<RMApp> applications() {
    List<RMApp> apps = new ArrayList<>(yarn.getResourceManager().getRMContext().getRMApps()
        .values());
    apps.sort(Comparator.comparing(RMApp::getApplicationId));
    return apps;
  }

  RMApp application(String id) {
    return applications().stream().filter(a -> a.getApplicationId().toString().equals(id))
        .findFirst().orElseThrow(() -> new AssertionError("no application " + id + " in "
            + applications()));
  }

  /** Waits until the application has finished as YARN sees it (its final status is set). */
  RMApp awaitFinished(String id, long timeout, TimeUnit unit) {
    long deadline = System.nanoTime() + unit.toNanos(timeout);
    while (System.nanoTime() < deadline) {
      RMApp app = application(id);
      if (app.getState().toString().matches("FINISHED|FAILED|KILLED")) {
        return app;
      }
      sleep(100);
    }
    throw new AssertionError(id + " did not finish: " + application(id).getState());
  }

  /** The container JVMs running now: processes of this JVM whose command line has {@code s}. */
  static List<ProcessHandle> containers(String s) {
    return ProcessHandle.current().descendants()
        .filter(p -> p.info().commandLine().orElse("").contains(s)).toList();
  }

  /** Everything the containers of an application wrote (stdout, stderr), one file a section. */
  String containerLogs(String applicationId) throws IOException {
    StringBuilder all = new StringBuilder();
    Path work = workDir();
    try (Stream<Path> files = logFiles()) {
      for (Path log : files.filter(p -> p.toString().contains("/" + applicationId + "/")
          && Files.isRegularFile(p)).sorted().toList()) {
        all.append("==> ").append(work.relativize(log)).append(" <==\n")
            .append(Files.readString(log)).append('\n');
      }
    }
    return all.toString();
  }

  private Path workDir() {
    return yarn.getTestWorkDir().toPath().toAbsolutePath();
  }

  /** Every file in the NodeManager's log directories (kept after the application). */
  private Stream<Path> logFiles() throws IOException {
    List<Path> files = new ArrayList<>();
    try (Stream<Path> dirs = Files.list(workDir())) {
      for (Path logDir : dirs.filter(d -> d.getFileName().toString().contains("-logDir-"))
          .toList()) {
        try (Stream<Path> all = Files.walk(logDir)) {
          all.filter(Files::isRegularFile).forEach(files::add);
        }
      }
    }
    return files.stream();
  }

  /** The driver's stdout or stderr in cluster mode: its ApplicationMaster container's. */
  String driverLog(String applicationId, String name) throws IOException {
    try (Stream<Path> files = logFiles()) {
      Path log = files.filter(p -> p.getFileName().toString().equals(name)
          && p.getParent().getFileName().toString().matches("container_.*_01_000001")
          && p.toString().contains("/" + applicationId + "/")).findFirst().orElse(null);
      return log == null ? "" : Files.readString(log);
    }
  }

  @Override
  public void close() {
    // The container processes (their command lines name the work directory), caught before
    // the NodeManager stops: any it leaves are killed after.
    List<ProcessHandle> containers = yarn == null ? List.of() : containers(YARN_NAME);
    try {
      if (yarn != null) {
        yarn.stop();
      }
    } finally {
      try {
        containers.forEach(ProcessHandle::destroyForcibly);
        containers(YARN_NAME).forEach(ProcessHandle::destroyForcibly);
      } finally {
        if (yarn != null) {
          FileUtils.deleteQuietly(workDir().toFile());
        }
        if (hdfs != null) {
          hdfs.shutdown(true);
        }
        FileUtils.deleteQuietly(dir.resolve("hdfs").toFile());
      }
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
