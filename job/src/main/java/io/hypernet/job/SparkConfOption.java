package io.hypernet.job;

import io.hypernet.job.failure.JobFailure;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** {@code --conf key=value}, repeatable, as spark-submit takes it; shared by run, demo, bench. */
public final class SparkConfOption {
  // picocli splits each pair at its first '=' and refuses one without it.
  @Option(names = "--conf", paramLabel = "KEY=VALUE",
      description = "A Spark setting for this run (repeatable), e.g. "
          + "--conf spark.executor.memory=4g; it overrides conf/spark-defaults.conf.")
  Map<String, String> pairs = new LinkedHashMap<>();

  /** The settings in the order given, keys trimmed. */
  public Map<String, String> settings() {
    Map<String, String> settings = new LinkedHashMap<>();
    pairs.forEach((key, value) -> {
      if (key.isBlank()) {
        throw JobFailure.invalidInput("--conf expects KEY=VALUE, got '" + key + "=" + value + "'");
      }
      settings.put(key.trim(), value);
    });
    return settings;
  }
}
