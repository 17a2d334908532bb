package io.hypernet.job;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
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

  /** The shaded application jar: our code, DJL and picocli, without Spark. */
  static Path applicationJar() throws IOException {
    try (var files = Files.list(BUILD)) {
      return files.filter(p -> p.getFileName().toString().endsWith("-spark.jar")).findFirst()
          .orElseThrow();
    }
  }
}
