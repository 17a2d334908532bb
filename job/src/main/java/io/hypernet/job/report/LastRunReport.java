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
 * The report of the last run into an output, kept beside it as
 * {@code <parent>/_last_run/<name>.report.json} (output {@code /data/W/ds=2024-01-01}:
 * {@code /data/W/_last_run/ds=2024-01-01.report.json}). It lies outside the staging, which a
 * failed run removes, so an operator finds why a scheduled run failed. No reader of the output
 * or of its parent picks it up: Spark, Hive and Hadoop skip '_' names, but Spark reads one that
 * contains '=' (a partition directory), as {@code _ds=2024-01-01.report.json} would; the
 * directory's name has none. A failed run writes its status and reason there; the next
 * successful run replaces it with a copy of its {@code _report.json}.
 */
public final class LastRunReport {
  private static final Logger LOG = LoggerFactory.getLogger(LastRunReport.class);

  static final String DIRECTORY = "_last_run";

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
    return new Path(new Path(output.getParent(), DIRECTORY), output.getName() + ".report.json");
  }

  /** Writes it; a failure to do so is logged, never the run's own failure. */
  public static void write(Configuration hadoop, String output, String json) {
    Path path = null;
    try {
      Path target = new Path(output);
      FileSystem fs = target.getFileSystem(hadoop);
      path = of(fs.makeQualified(target));
      try (OutputStream out = fs.create(path, true)) {
        out.write(json.getBytes(StandardCharsets.UTF_8));
      }
      LOG.info("last-run report: {}", path);
    } catch (IOException | RuntimeException e) {
      LOG.warn("could not write the last-run report {} of {}: {}", path, output, e.toString());
    }
  }
}
