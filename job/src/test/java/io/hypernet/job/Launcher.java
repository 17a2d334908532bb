package io.hypernet.job;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs bin/hypernet exactly as a user does: a real driver JVM, its console captured. The suite
 * starts dozens of short drivers, so they run with the C1 compiler only (JAVA_TOOL_OPTIONS, set
 * by the build for every test JVM) and the launcher's class-data archive, made by a demo before
 * the first (once per build): half the CPU of each start, same behaviour.
 */
final class Launcher {
  static final Path ROOT = Path.of("").toAbsolutePath().getParent();
  private static boolean classArchiveChecked;
  /** Environment for a driver whose work outweighs its start, such as the full demo: C2 too. */
  static final Map<String, String> BOTH_COMPILERS =
      Map.of("HYPERNET_JAVA_OPTS", "-XX:TieredStopAtLevel=4");

  /** Exit code and console output of one finished command. */
  record Outcome(int exitCode, String output) {}

  private Launcher() {}

  /** Starts the command; stdout and stderr go to {@code log}. */
  static Process start(Path log, String... args) throws IOException {
    return start(Map.of(), log, args);
  }

  /** Starts the command with extra environment, e.g. HYPERNET_JAVA_OPTS. */
  static Process start(Map<String, String> env, Path log, String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of(ROOT.resolve("bin/hypernet").toString()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).directory(ROOT.toFile())
        .redirectErrorStream(true).redirectOutput(log.toFile());
    // The build of the line under test on its built-in Spark, unless the test chooses: a
    // SPARK_HOME of the machine's would run another Spark.
    builder.environment().put("HYPERNET_SPARK", SparkHome.LINE);
    builder.environment().remove("SPARK_HOME");
    builder.environment().putAll(env);
    if (!builder.environment().containsKey("SPARK_HOME")) { // the direct launch's archive
      classArchiveMade();
    }
    return builder.start();
  }

  /**
   * Before the first driver of this test JVM: a 300-row demo, the launch that makes bin/hypernet's
   * class-data archive where the build has none yet, so that every later driver maps the classes
   * of a whole run (whichever test comes first).
   */
  private static synchronized void classArchiveMade() throws IOException {
    if (classArchiveChecked) {
      return;
    }
    Path dir = Files.createTempDirectory("hypernet-archive");
    ProcessBuilder builder = new ProcessBuilder(ROOT.resolve("bin/hypernet").toString(),
        "demo", "--dir", dir.resolve("demo").toString(), "--rows", "300", "--master",
        "local[2]").directory(ROOT.toFile())
        .redirectErrorStream(true).redirectOutput(dir.resolve("demo.log").toFile());
    builder.environment().put("HYPERNET_SPARK", SparkHome.LINE);
    builder.environment().remove("SPARK_HOME");
    try {
      if (builder.start().waitFor() != 0) {
        throw new AssertionError("the demo that makes the drivers' class archive failed:\n"
            + Files.readString(dir.resolve("demo.log")));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted making the drivers' class archive", e);
    }
    classArchiveChecked = true;
  }

  /** Runs the command to its end (at most 5 minutes). */
  static Outcome run(String... args) throws IOException, InterruptedException {
    return run(Map.of(), args);
  }

  static Outcome run(Map<String, String> env, String... args)
      throws IOException, InterruptedException {
    Path log = Files.createTempFile("hypernet-launcher", ".log");
    Process p = start(env, log, args);
    if (!p.waitFor(5, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new AssertionError("bin/hypernet " + String.join(" ", args) + " timed out:\n"
          + Files.readString(log));
    }
    return new Outcome(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
  }
}
