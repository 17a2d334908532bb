package io.hypernet.job;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** What a cluster provides: a SPARK_HOME whose jars/ holds Spark and its dependencies only. */
final class SparkHome {
  static final Path JOB = Path.of("").toAbsolutePath();
  /** The Spark line under test ({@code 3.5} or {@code 4.2}) and its build directory. */
  static final String LINE = System.getProperty("hypernet.spark");
  static final Path BUILD = Path.of(Objects.requireNonNull(System.getProperty("hypernet.build"),
      "hypernet.build: the line's build directory, set by job/pom.xml"));
  static final Path LAUNCHER = BUILD.resolve("launcher");

  private SparkHome() {}

  /** Entries of one of the build's launcher files (classpaths, JVM flags). */
  static List<String> entries(String file) throws IOException {
    return Arrays.asList(Files.readString(LAUNCHER.resolve(file)).trim().split(":"));
  }

  /** The Java 17 flags Spark needs. */
  static List<String> jvmFlags() throws IOException {
    return Arrays.asList(Files.readString(LAUNCHER.resolve("jvm-flags.txt")).trim()
        .split("\\s+"));
  }

  static Path create(Path dir) throws IOException {
    Path jars = Files.createDirectories(dir.resolve("spark-home/jars"));
    for (String jar : entries("classpath-compile.txt")) {
      // Ours, DJL and picocli travel in the application jar; everything else is Spark's.
      if (!jar.contains("hypernet-udf") && !jar.contains("hypernet-core")
          && !jar.contains("/ai/djl/")
          && !jar.contains("/info/picocli/")) {
        Path source = Path.of(jar);
        Files.createSymbolicLink(jars.resolve(source.getFileName()), source);
      }
    }
    return dir.resolve("spark-home");
  }

  /**
   * {@link #create} with a bin/spark-submit that does what Spark's does: its launcher builds the
   * driver's java command (--driver-memory, spark.driver.extraJavaOptions, the Java 17 module
   * flags), which then runs. It also appends its arguments to spark-submit.log beside bin/, for
   * tests to tell that it ran (Spark's keeps no such record).
   */
  static Path createWithSparkSubmit(Path dir) throws IOException {
    Path home = create(dir);
    Path script = Files.createDirectories(home.resolve("bin")).resolve("spark-submit");
    // load-spark-env.sh sets SPARK_SCALA_VERSION, without which the launcher looks for a build.
    String scalaBinary = scala.util.Properties.versionNumberString()
        .replaceAll("^(\\d+\\.\\d+).*", "$1");
    Files.writeString(script, String.join("\n",
        "#!/usr/bin/env bash",
        "export SPARK_HOME=\"${SPARK_HOME:-$(cd \"$(dirname \"$0\")/..\" && pwd)}\"",
        "export SPARK_SCALA_VERSION=${SPARK_SCALA_VERSION:-" + scalaBinary + "}",
        "printf '%s\\n' \"$*\" >> \"$(dirname \"$0\")/../spark-submit.log\"",
        "# Spark's bin/spark-class: the launcher prints a NUL line, then the command NUL-separated",
        "CMD=()",
        "DELIM=$'\\n'",
        "STARTED=false",
        "while IFS= read -d \"$DELIM\" -r ARG; do",
        "  if [ \"$STARTED\" = true ]; then CMD+=(\"$ARG\");",
        "  elif [ -z \"$ARG\" ]; then DELIM=''; STARTED=true; # the NUL line, NUL dropped",
        "  else echo \"$ARG\"; fi",
        "done < <(\"${JAVA_HOME:+$JAVA_HOME/bin/}java\" -Xmx128m -cp \"$SPARK_HOME/jars/*\" "
            + "org.apache.spark.launcher.Main org.apache.spark.deploy.SparkSubmit \"$@\"; "
            + "printf '%d\\0' $?)",
        "LAST=$((${#CMD[@]} - 1))",
        "[ \"${CMD[$LAST]}\" = 0 ] || exit \"${CMD[$LAST]}\"",
        "exec \"${CMD[@]:0:$LAST}\"", ""), StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    return home;
  }

  /**
   * {@link #createWithSparkSubmit} with spark-yarn in jars/, as in a Spark distribution built
   * for YARN (its Hadoop client jars are Spark's own dependencies, already there).
   */
  static Path createForYarn(Path dir) throws IOException {
    Path home = createWithSparkSubmit(dir);
    String yarn = Arrays.stream(System.getProperty("java.class.path").split(":"))
        .filter(j -> Path.of(j).getFileName().toString().startsWith("spark-yarn_"))
        .findFirst().orElseThrow(() -> new IllegalStateException("no spark-yarn on the test "
            + "classpath (job/pom.xml)"));
    Files.createSymbolicLink(home.resolve("jars").resolve(Path.of(yarn).getFileName()),
        Path.of(yarn));
    return home;
  }

  /** What a user of {@code home} has: SPARK_HOME, JAVA_HOME, its bin/ first on the PATH. */
  static Map<String, String> environment(Path home) {
    return Map.of("SPARK_HOME", home.toString(), "PATH", home.resolve("bin") + ":"
        + System.getenv("PATH"), "JAVA_HOME", System.getProperty("java.home"),
        "SPARK_LOCAL_IP", "127.0.0.1");
  }

  /** The shaded application jar: our code, DJL and picocli, without Spark. */
  static Path applicationJar() throws IOException {
    try (var files = Files.list(BUILD)) {
      return files.filter(p -> p.getFileName().toString().endsWith("-spark.jar")).findFirst()
          .orElseThrow();
    }
  }
}
