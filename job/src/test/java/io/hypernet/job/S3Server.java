package io.hypernet.job;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.FileUtil;

/**
 * A real S3 API server for the tests: S3Proxy (its own JVM, from the jar the build copies to
 * target/s3proxy) on 127.0.0.1 over a directory, one bucket per name given. S3A reaches it with
 * {@link #hadoopSettings()}.
 */
public final class S3Server implements AutoCloseable {
  private static final String ACCESS_KEY = "hypernet";
  private static final String SECRET_KEY = "hypernet-secret";

  private final Process process;
  private final int port;
  private final Path data;

  private S3Server(Process process, int port, Path data) {
    this.process = process;
    this.port = port;
    this.data = data;
  }

  /** Starts the server over {@code dir}/data and waits until it answers (a few seconds). */
  public static S3Server start(Path dir, String... buckets) throws IOException,
      InterruptedException {
    Path data = Files.createDirectories(dir.resolve("data"));
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    Path conf = dir.resolve("s3proxy.conf");
    Files.writeString(conf, String.join("\n",
        "s3proxy.endpoint=http://127.0.0.1:" + port,
        "s3proxy.authorization=none", // S3A still signs; the server accepts any caller
        "jclouds.provider=transient", // jclouds' key-value store: the nio2 ones map keys to paths, and refuse to delete a directory marker with keys below it,
        "jclouds.identity=" + ACCESS_KEY,
        "jclouds.credential=" + SECRET_KEY,
        "jclouds.filesystem.basedir=" + data, ""), StandardCharsets.UTF_8);
    List<String> command = new ArrayList<>(List.of(javaBin(), "-Xmx2g",
        "-jar", SparkHome.BUILD.resolve("s3proxy/s3proxy.jar").toString(),
        "--properties", conf.toString()));
    ProcessBuilder builder = new ProcessBuilder(command)
        .redirectErrorStream(true).redirectOutput(dir.resolve("s3proxy.log").toFile());
    builder.environment().remove("JAVA_TOOL_OPTIONS");
    S3Server server = new S3Server(builder.start(), port, data);
    server.awaitUp(dir.resolve("s3proxy.log"));
    for (String bucket : buckets) {
      server.createBucket(bucket);
    }
    return server;
  }

  /**
   * {@link #start} with bucket {@code data} holding a generated sample (2 configurations, l=16,
   * n=8, D=32, {@code badRows} bad rows) at {@code s3a://data/in/{w,configs}}.
   */
  public static S3Server startWithSample(Path dir, int rows, int badRows) throws Exception {
    S3Server server = start(dir.resolve("s3"), "data");
    CliRunner.Result r = CliRunner.run("generate", "--rows", "" + rows, "--configs", "2",
        "--l", "16", "--n", "8", "--D", "32", "--bad-rows", "" + badRows, "--partitions", "2",
        "--out", dir + "/in", "--master", "local[2]");
    if (r.exitCode() != 0) {
      server.close();
      throw new IllegalStateException(r.toString());
    }
    Configuration conf = server.hadoopConfiguration();
    org.apache.hadoop.fs.Path in = new org.apache.hadoop.fs.Path("s3a://data/in");
    FileUtil.copy(FileSystem.getLocal(conf), new org.apache.hadoop.fs.Path(dir + "/in"),
        in.getFileSystem(conf), in, false, conf);
    return server;
  }

  /** The S3A settings that reach this server (path-style, plain HTTP, its keys). */
  public Map<String, String> hadoopSettings() {
    Map<String, String> s = new LinkedHashMap<>();
    s.put("fs.s3a.endpoint", "http://127.0.0.1:" + port);
    s.put("fs.s3a.endpoint.region", "us-east-1");
    s.put("fs.s3a.path.style.access", "true");
    s.put("fs.s3a.connection.ssl.enabled", "false");
    s.put("fs.s3a.access.key", ACCESS_KEY);
    s.put("fs.s3a.secret.key", SECRET_KEY);
    // S3Proxy refuses (501) the CRC32 header AWS SDK v2 (Hadoop 3.4 and later) puts on every
    // bulk delete, as some other S3-compatible stores do: one request per deleted object.
    s.put("fs.s3a.multiobjectdelete.enable", "false");
    s.put("fs.s3a.aws.credentials.provider",
        "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider");
    return s;
  }

  /** {@link #hadoopSettings()} as a Hadoop configuration. */
  public Configuration hadoopConfiguration() {
    Configuration conf = new Configuration();
    hadoopSettings().forEach(conf::set);
    return conf;
  }

  /** {@link #hadoopSettings()} as the CLI's {@code --conf spark.hadoop.KEY=VALUE} arguments. */
  public List<String> confArgs() {
    List<String> args = new ArrayList<>();
    hadoopSettings().forEach((k, v) -> {
      args.add("--conf");
      args.add("spark.hadoop." + k + "=" + v);
    });
    return args;
  }

  private void createBucket(String bucket) throws IOException {
    HttpURLConnection c = (HttpURLConnection) URI.create("http://127.0.0.1:" + port + "/"
        + bucket).toURL().openConnection();
    c.setRequestMethod("PUT");
    int code = c.getResponseCode();
    c.disconnect();
    if (code != 200) {
      throw new IOException("creating bucket " + bucket + ": HTTP " + code);
    }
  }

  private void awaitUp(Path log) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IOException("S3Proxy exited " + process.exitValue() + ":\n"
            + Files.readString(log));
      }
      try {
        HttpURLConnection c = (HttpURLConnection) URI.create("http://127.0.0.1:" + port + "/")
            .toURL().openConnection();
        c.setConnectTimeout(500);
        c.getResponseCode(); // any answer (403 without credentials) means it is serving
        c.disconnect();
        return;
      } catch (IOException notYet) {
        Thread.sleep(100);
      }
    }
    close();
    throw new IOException("S3Proxy did not answer within 60 s:\n" + Files.readString(log));
  }

  private static String javaBin() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
