package io.hypernet.job;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs bin/hypernet exactly as a user does: a real driver JVM, its console captured. */
final class Launcher {
  static final Path ROOT = Path.of("").toAbsolutePath().getParent();

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
    return builder.start();
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
