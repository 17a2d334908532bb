package io.hypernet.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hypernet.job.report.RunReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** bin/hypernet exactly as a newcomer runs it, after the jars are packaged (failsafe). */
class LauncherIT {
  /**
   * The README's demo, on the default line (3.5). The 4.2 build's bin/hypernet runs its demo in
   * the test below, and its direct launch in HdfsIT and S3StorageIT.
   */
  @Test
  @Tag("on-3.5")
  void demoRunsEndToEndAndPrintsTheSummary() throws Exception {
    Path dir = SparkHome.BUILD.resolve("demo-it");
    Launcher.Outcome demo = Launcher.run(Launcher.BOTH_COMPILERS, "demo", "--dir",
        dir.toString());
    assertEquals(0, demo.exitCode(), demo.output());
    assertTrue(demo.output().contains(
        "hypernet demo succeeded: 30000 rows in, 29988 written, 12 rejected"), demo.output());
    assertTrue(demo.output().contains("progress") || demo.output().contains("reconciling"),
        "progress is logged:\n" + demo.output());
    // Spark 4 logs a stack trace when a glob is read (the rejects were read that way).
    assertFalse(demo.output().contains("\tat "), "a clean run prints no stack trace:\n"
        + demo.output());
    RunReport report = RunReport.fromJson(Files.readString(dir.resolve("W/_report.json")));
    assertTrue(report.accountingHolds());
    // bin/hypernet ran the build of the line under test (HYPERNET_SPARK), as this JVM does.
    assertEquals(org.apache.spark.package$.MODULE$.SPARK_VERSION(), report.sparkVersion());
    assertEquals(scala.util.Properties.versionNumberString(), report.scalaVersion());
    assertEquals(3, report.perConfig().keySet().stream().filter(k -> k.startsWith("cfg-0"))
        .count());
  }

  /**
   * With SPARK_HOME set, the job runs through that Spark's own spark-submit (here a home of the
   * line's Spark, as a cluster's installation holds it); a HYPERNET_SPARK of the other line, or
   * a Spark no build runs on, is refused before anything is built or started.
   */
  @Test
  void withSparkHomeTheJobRunsThroughItsSparkSubmit(@TempDir Path dir) throws Exception {
    Path home = SparkHome.createWithSparkSubmit(dir);
    Map<String, String> env = SparkHome.environment(home);
    String spark = org.apache.spark.package$.MODULE$.SPARK_VERSION();
    Launcher.Outcome demo = Launcher.run(env, "demo", "--dir", dir.resolve("demo").toString(),
        "--rows", "3000");
    assertEquals(0, demo.exitCode(), demo.output());
    assertTrue(demo.output().contains("hypernet: using Spark " + spark + " from SPARK_HOME="
        + home + " (set SPARK_HOME= to use the built-in " + spark + ")"), demo.output());
    assertTrue(demo.output().contains("hypernet demo succeeded: 3000 rows in"), demo.output());
    String submitted = Files.readString(home.resolve("spark-submit.log"));
    assertTrue(submitted.startsWith("--class io.hypernet.job.HypernetCli "), submitted);
    assertTrue(submitted.contains(" --driver-memory "), submitted);
    assertTrue(submitted.contains(" " + SparkHome.applicationJar() + " demo --dir "), submitted);
    RunReport report = RunReport.fromJson(Files.readString(dir.resolve("demo/W/_report.json")));
    assertTrue(report.accountingHolds());
    assertEquals(spark, report.sparkVersion());

    Map<String, String> otherLine = new HashMap<>(env);
    String other = SparkHome.LINE.equals("3.5") ? "4" : "3.5";
    otherLine.put("HYPERNET_SPARK", other);
    Launcher.Outcome refused = Launcher.run(otherLine, "demo", "--dir",
        dir.resolve("refused").toString());
    assertEquals(2, refused.exitCode(), refused.output());
    assertTrue(refused.output().contains("hypernet: HYPERNET_SPARK=" + other + " asks for the "
        + "Spark " + other + " build, but SPARK_HOME=" + home + " holds Spark " + spark + ";"),
        refused.output());

    Path old = Files.createDirectories(dir.resolve("spark-3.4/jars"));
    Files.createFile(old.resolve("spark-core_2.12-3.4.1.jar"));
    Files.createSymbolicLink(Files.createDirectories(old.resolveSibling("bin"))
        .resolve("spark-submit"), home.resolve("bin/spark-submit"));
    Map<String, String> unsupported = new HashMap<>(env);
    unsupported.put("SPARK_HOME", old.getParent().toString());
    Launcher.Outcome spark34 = Launcher.run(unsupported, "demo");
    assertEquals(2, spark34.exitCode(), spark34.output());
    assertTrue(spark34.output().contains("holds Spark 3.4.1 on Scala 2.12, which no build of "
        + "hypernet-spark runs on"), spark34.output());
    assertEquals(submitted, Files.readString(home.resolve("spark-submit.log")),
        "spark-submit ran only for the demo");
  }

  @Test
  void usageAndInvalidInvocations() throws Exception {
    Launcher.Outcome help = Launcher.run("--help");
    assertEquals(0, help.exitCode(), help.output());
    assertTrue(help.output().contains("Usage: hypernet"), help.output());
    Launcher.Outcome missing = Launcher.run("run");
    assertEquals(2, missing.exitCode(), missing.output());
    assertTrue(missing.output().contains("Missing required options"), missing.output());
  }
}
