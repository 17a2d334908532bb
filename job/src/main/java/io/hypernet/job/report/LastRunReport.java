package io.hypernet.job.report;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The report of the last run into an output, kept beside it as {@code _<name>.report.json}
 * (output {@code /data/W/2024-01-01}: {@code /data/W/_2024-01-01.report.json}). It lies outside
 * the staging, which a failed run removes, so an operator finds why a scheduled run failed; and
 * its name starts with '_', which Spark, Hive and Hadoop skip, so no reader of the output or of
 * its parent directory picks it up. A failed run writes its status and reason there; the next
 * successful run replaces it with a copy of its {@code _report.json}.
 */
public final class LastRunReport {
  private static final Logger LOG = LoggerFactory.getLogger(LastRunReport.class);

  private LastRunReport() {}

  /**
   * A run that failed.
   *
   * @param reason what the CLI printed, and its exit code
   * @param applicationId null when the run failed before Spark started
   */
  public record Failure(String status, Reason reason, String applicationId, List<String> input,
      String configs, String output) {
    public static Failure of(Reason reason, String applicationId, List<String> input,
        String configs, String output) {
      return new Failure("failed", reason, applicationId, input, configs, output);
    }

    public String toJson() {
      return RunReport.json(this);
    }

    public static Failure fromJson(String json) {
      return RunReport.parse(json, Failure.class);
    }
  }

  /** Why a run failed: its message and exit code (2 invalid input, 3 policy, 1 other). */
  public record Reason(String message, int exitCode) {}

  /** Where the last-run report of {@code output} lies. */
  public static Path of(Path output) {
    return new Path(output.getParent(), "_" + output.getName() + ".report.json");
  }

  /** Writes it; a failure to do so is logged, never the run's own failure. */
  public static void write(Configuration hadoop, String output, String json) {
    Path path = null;
    try {
      Path target = new Path(output);
      FileSystem fs = target.getFileSystem(hadoop);
      // Through a string: a URI's trailing slash would put the report inside the output.
      path = of(fs.makeQualified(new Path(fs.makeQualified(target).toString())));
      try (OutputStream out = fs.create(path, true)) {
        out.write(json.getBytes(StandardCharsets.UTF_8));
      }
      LOG.info("last-run report: {}", path);
    } catch (IOException | RuntimeException e) {
      LOG.warn("could not write the last-run report {} of {}: {}", path, output, e.toString());
    }
  }
}
