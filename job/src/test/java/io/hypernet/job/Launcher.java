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
 * by the build for every test JVM) and a class-data archive of the first one's classes (made once
 * per build): half the CPU of each start, same behaviour.
 */
final class Launcher {
  static final Path ROOT = Path.of("").toAbsolutePath().getParent();
  private static final Path CLASS_ARCHIVE = SparkHome.LAUNCHER.resolve("test-drivers.jsa");
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
    if (!builder.environment().containsKey("SPARK_HOME")) { // the archive fits our classpath
      builder.environment().merge("HYPERNET_JAVA_OPTS", driverOptions(),
          (test, ours) -> ours + " " + test);
    }
    return builder.start();
  }

  /** The test drivers' JVM options; the first call makes the class-data archive. */
  private static synchronized String driverOptions() throws IOException {
    if (!Files.exists(CLASS_ARCHIVE)) {
      Path dir = Files.createTempDirectory("hypernet-archive");
      Path partial = dir.resolve("drivers.jsa");
      ProcessBuilder builder = new ProcessBuilder(ROOT.resolve("bin/hypernet").toString(),
          "demo", "--dir", dir.resolve("demo").toString(), "--rows", "300", "--master",
          "local[2]").directory(ROOT.toFile())
          .redirectErrorStream(true).redirectOutput(dir.resolve("demo.log").toFile());
      builder.environment().put("HYPERNET_SPARK", SparkHome.LINE);
      builder.environment().remove("SPARK_HOME");
      builder.environment().put("HYPERNET_JAVA_OPTS", "-XX:ArchiveClassesAtExit=" + partial);
      try {
        int exit = builder.start().waitFor();
        if (exit != 0 || !Files.exists(partial)) {
          throw new AssertionError("the demo that makes the drivers' class archive failed:\n"
              + Files.readString(dir.resolve("demo.log")));
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted making the drivers' class archive", e);
      }
      Files.move(partial, CLASS_ARCHIVE, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }
    return "-XX:SharedArchiveFile=" + CLASS_ARCHIVE;
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
