package io.hypernet.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hypernet.job.report.RunReport;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** bin/hypernet exactly as a newcomer runs it, after the jars are packaged (failsafe). */
class LauncherIT {
  private static final Path ROOT = Path.of("").toAbsolutePath().getParent();

  private record Outcome(int exitCode, String output) {}

  private static Outcome launch(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(ROOT.resolve("bin/hypernet").toString()));
    command.addAll(List.of(args));
    Path log = Files.createTempFile("hypernet-launcher", ".log");
    Process p = new ProcessBuilder(command).directory(ROOT.toFile()).redirectErrorStream(true)
        .redirectOutput(log.toFile()).start();
    if (!p.waitFor(5, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new AssertionError("bin/hypernet " + String.join(" ", args) + " timed out:\n"
          + Files.readString(log));
    }
    return new Outcome(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
  }

  @Test
  void demoRunsEndToEndAndPrintsTheSummary() throws Exception {
    Path dir = ROOT.resolve("job/target/demo-it");
    Outcome demo = launch("demo", "--dir", dir.toString());
    assertEquals(0, demo.exitCode(), demo.output());
    assertTrue(demo.output().contains(
        "hypernet demo succeeded: 30000 rows in, 29988 written, 12 rejected"), demo.output());
    assertTrue(demo.output().contains("progress") || demo.output().contains("reconciling"),
        "progress is logged:\n" + demo.output());
    RunReport report = RunReport.fromJson(Files.readString(dir.resolve("W/_report.json")));
    assertTrue(report.accountingHolds());
    assertEquals(3, report.perConfig().keySet().stream().filter(k -> k.startsWith("cfg-0"))
        .count());
  }

  @Test
  void usageAndInvalidInvocations() throws Exception {
    Outcome help = launch("--help");
    assertEquals(0, help.exitCode(), help.output());
    assertTrue(help.output().contains("Usage: hypernet"), help.output());
    Outcome missing = launch("run");
    assertEquals(2, missing.exitCode(), missing.output());
    assertTrue(missing.output().contains("Missing required options"), missing.output());
  }
}
