package io.hypernet.job;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/** What a cluster provides: a SPARK_HOME whose jars/ holds Spark and its dependencies only. */
final class SparkHome {
  static final Path JOB = Path.of("").toAbsolutePath();
  static final Path LAUNCHER = JOB.resolve("target/launcher");

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
      if (!jar.contains("hypernet-udf") && !jar.contains("/ai/djl/")
          && !jar.contains("/info/picocli/")) {
        Path source = Path.of(jar);
        Files.createSymbolicLink(jars.resolve(source.getFileName()), source);
      }
    }
    return dir.resolve("spark-home");
  }

  /** The shaded application jar: our code, DJL and picocli, without Spark. */
  static Path applicationJar() throws IOException {
    try (var files = Files.list(JOB.resolve("target"))) {
      return files.filter(p -> p.getFileName().toString().endsWith("-spark.jar")).findFirst()
          .orElseThrow();
    }
  }
}
