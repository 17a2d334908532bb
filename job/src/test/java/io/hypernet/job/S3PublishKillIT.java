package io.hypernet.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hypernet.testing.LocalSpark;
import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.FileUtil;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real driver (bin/hypernet, with S3A's jars through HYPERNET_CLASSPATH) halted in the middle
 * of moving its output into place on S3, as after SIGKILL: the output then has no
 * {@code _SUCCESS} and its journal lies beside it; the next run completes the halted publish,
 * then publishes its own, and the output is whole. PublicationOnS3Test crashes after every
 * step in-process.
 */
@Tag("spark-independent") // the same on every Spark line: runs on one,
@Tag("on-4.2") // 4.2, with Hadoop 3.5's S3A (PublicationOnS3Test has 3.3's)
class S3PublishKillIT {
  @TempDir
  static Path dir;
  private static S3Server s3;
  private static Configuration hadoop;

  @BeforeAll
  static void start() throws Exception {
    s3 = S3Server.start(dir.resolve("s3"), "data");
    hadoop = s3.hadoopConfiguration();
    CliRunner.Result r = CliRunner.run("generate", "--rows", "2000", "--configs", "2",
        "--l", "16", "--n", "8", "--D", "32", "--bad-rows", "2", "--partitions", "2",
        "--out", dir + "/in", "--master", "local[2]");
    assertEquals(0, r.exitCode(), r.toString());
    org.apache.hadoop.fs.Path in = new org.apache.hadoop.fs.Path("s3a://data/in");
    assertTrue(FileUtil.copy(FileSystem.getLocal(hadoop),
        new org.apache.hadoop.fs.Path(dir + "/in"), in.getFileSystem(hadoop), in, false,
        hadoop));
  }

  @AfterAll
  static void stop() {
    if (s3 != null) {
      s3.close();
    }
  }

  @Test
  void aDriverHaltedWhileMovingItsOutputInIsRepairedByTheNextRun() throws Exception {
    String output = "s3a://data/W";
    Launcher.Outcome halted = Launcher.run(Map.of(
        "HYPERNET_JAVA_OPTS", "-Dhypernet.test.halt-at=output-file",
        "HYPERNET_CLASSPATH", s3aJars()), run(output));
    assertEquals(137, halted.exitCode(), halted.output());
    assertTrue(halted.output().contains("halting after publish step output-file"),
        halted.output());
    FileSystem fs = new org.apache.hadoop.fs.Path(output).getFileSystem(hadoop);
    assertFalse(fs.exists(new org.apache.hadoop.fs.Path(output, "_SUCCESS")),
        "an output being moved in has no _SUCCESS");
    assertTrue(fs.exists(new org.apache.hadoop.fs.Path(output + ".publish")),
        "its journal is beside it");

    Launcher.Outcome next = Launcher.run(Map.of("HYPERNET_CLASSPATH", s3aJars()), run(output));
    assertEquals(0, next.exitCode(), next.output());
    assertTrue(next.output().contains("was stopped while publishing"), next.output());
    assertTrue(next.output().contains("2000 rows in, 1998 written, 2 rejected"), next.output());
    assertTrue(fs.exists(new org.apache.hadoop.fs.Path(output, "_SUCCESS")));
    for (FileStatus sibling : fs.listStatus(new org.apache.hadoop.fs.Path("s3a://data/"))) {
      String name = sibling.getPath().getName();
      assertTrue(name.equals("in") || name.equals("W") || name.startsWith("_"),
          "nothing is left beside the output but the last-run report: " + name);
    }
    SparkSession spark = LocalSpark.start("local[2]");
    try {
      s3.hadoopSettings().forEach((k, v) -> spark.sparkContext().hadoopConfiguration().set(k, v));
      assertEquals(1998, spark.read().parquet(output).count());
    } finally {
      spark.stop();
    }
  }

  private static String[] run(String output) {
    List<String> args = new ArrayList<>(List.of("run", "--input", "s3a://data/in/w",
        "--configs", "s3a://data/in/configs", "--output", output, "--mode", "overwrite",
        "--engine", "jvm", "--master", "local[2]"));
    args.addAll(s3.confArgs());
    return args.toArray(String[]::new);
  }

  /** hadoop-aws and the AWS SDK it brings, from this test's classpath (test scope). */
  private static String s3aJars() {
    return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
        .filter(p -> p.contains("/org/apache/hadoop/hadoop-aws/") || p.contains("/com/amazonaws/")
            || p.contains("/software/amazon/") || p.contains("/org/wildfly/openssl/"))
        .collect(Collectors.joining(File.pathSeparator));
  }
}
