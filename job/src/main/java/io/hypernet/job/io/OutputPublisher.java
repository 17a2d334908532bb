package io.hypernet.job.io;

import io.hypernet.job.failure.JobFailure;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * One dataset a run publishes (the output, or a separate rejects path) and the names of its
 * files next to the target: {@code <target>.staging-<run>} where the run writes,
 * {@code <target>.aside-<run>} where the previous dataset waits while the new one is renamed in,
 * {@code <target>.lease-<run>} saying the run is alive, and {@code <target>.publish}, the
 * journal of a publish in progress. {@link Publication} moves them.
 */
public final class OutputPublisher {
  /** Existing output: fail before doing any work, or replace it at publish time. */
  public enum Mode { ERROR, OVERWRITE }

  // Not dot- or underscore-prefixed: Spark would refuse to read the staging back for accounting.
  private static final String RESERVED =
      "\\.(?:(staging|aside|lease)-(.+)|publish(?:-(.+)\\.tmp)?)";

  private final String role;
  private final FileSystem fs;
  private final Path target;
  private final String runId;
  private final Mode mode;

  public OutputPublisher(String role, FileSystem fs, Path target, String runId, Mode mode) {
    this.role = role;
    this.fs = fs;
    // Through a string: a URI's trailing slash would make the siblings children.
    this.target = fs.makeQualified(new Path(target.toString()));
    this.runId = runId;
    this.mode = mode;
  }

  /** Stops the run before any work when the output exists and the mode is {@code error}. */
  public void checkTarget() {
    try {
      if (mode == Mode.ERROR && fs.exists(target)) {
        throw JobFailure.invalidInput(role + " path " + target
            + " already exists (use --mode overwrite to replace it)");
      }
    } catch (IOException e) {
      throw new JobFailure(JobFailure.INVALID_INPUT, role + " path " + target
          + " cannot be checked: " + e.getMessage(), e);
    }
  }

  /** Where the run writes; becomes {@link #target()} when published. */
  public String staging() {
    return stagingPath().toString();
  }

  public String staging(String child) {
    return new Path(stagingPath(), child).toString();
  }

  public String target() {
    return target.toString();
  }

  public void writeText(String child, String text) throws IOException {
    try (OutputStream out = fs.create(new Path(stagingPath(), child), true)) {
      out.write(text.getBytes(StandardCharsets.UTF_8));
    }
  }

  /** True when {@code path} is one of the publish's own files next to {@code target}. */
  public static boolean isReservedSibling(Path path, Path target) {
    return reserved(path, target) != null;
  }

  /** The run id in the name of a staging, aside, lease or journal temp file of target; or null. */
  static String runOf(Path path, Path target) {
    Matcher m = reserved(path, target);
    return m == null ? null : m.group(2) != null ? m.group(2) : m.group(3);
  }

  private static Matcher reserved(Path path, Path target) {
    if (target.getParent() == null || !target.getParent().equals(path.getParent())) {
      return null;
    }
    Matcher m = Pattern.compile(Pattern.quote(target.getName()) + RESERVED)
        .matcher(path.getName());
    return m.matches() ? m : null;
  }

  String role() {
    return role;
  }

  FileSystem fs() {
    return fs;
  }

  Mode mode() {
    return mode;
  }

  Path targetPath() {
    return target;
  }

  Path stagingPath() {
    return sibling("staging-" + runId);
  }

  Path asidePath() {
    return sibling("aside-" + runId);
  }

  Path leasePath(String run) {
    return sibling("lease-" + run);
  }

  Path journalTempPath() {
    return sibling("publish-" + runId + ".tmp");
  }

  private Path sibling(String suffix) {
    return new Path(target.getParent(), target.getName() + "." + suffix);
  }
}
