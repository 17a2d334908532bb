package io.hypernet.job;

import io.hypernet.job.failure.JobFailure;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/** {@code --conf key=value}, repeatable, as spark-submit takes it; shared by run, demo, bench. */
final class SparkConfOption {
  @Option(names = "--conf", paramLabel = "KEY=VALUE",
      description = "A Spark setting for this run (repeatable), e.g. "
          + "--conf spark.executor.memory=4g; it overrides conf/spark-defaults.conf.")
  List<String> pairs = new ArrayList<>();

  /** The settings in the order given; the value is everything after the first '='. */
  Map<String, String> settings() {
    Map<String, String> settings = new LinkedHashMap<>();
    for (String pair : pairs) {
      int eq = pair.indexOf('=');
      if (eq <= 0 || pair.substring(0, eq).isBlank()) {
        throw JobFailure.invalidInput("--conf expects KEY=VALUE, got '" + pair + "'");
      }
      settings.put(pair.substring(0, eq).trim(), pair.substring(eq + 1));
    }
    return settings;
  }
}
