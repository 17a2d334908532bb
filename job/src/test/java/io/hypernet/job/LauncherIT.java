package io.hypernet.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hypernet.job.report.RunReport;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** bin/hypernet exactly as a newcomer runs it, after the jars are packaged (failsafe). */
class LauncherIT {
  @Test
  void demoRunsEndToEndAndPrintsTheSummary() throws Exception {
    Path dir = SparkHome.BUILD.resolve("demo-it");
    Launcher.Outcome demo = Launcher.run("demo", "--dir", dir.toString());
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
