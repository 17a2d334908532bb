package io.hypernet.job.io;

import io.hypernet.job.JobFailure;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes a run's output appear all at once: everything is written under a staging directory next
 * to the final path, and published by one rename when the run has succeeded and its accounting
 * holds. A failed run deletes its staging directory; the final path is never half-written.
 */
public final class OutputPublisher {
  /** Existing output: fail before doing any work, or replace it at publish time. */
  public enum Mode { ERROR, OVERWRITE }

  private static final Logger LOG = LoggerFactory.getLogger(OutputPublisher.class);

  private final FileSystem fs;
  private final Path target;
  private final Path staging;
  private final Mode mode;

  public OutputPublisher(Configuration hadoop, String target, String runId, Mode mode) {
    this.target = new Path(target);
    try {
      this.fs = this.target.getFileSystem(hadoop);
      Path qualified = fs.makeQualified(this.target);
      // Not dot- or underscore-prefixed: Spark would refuse to read it back for the accounting.
      this.staging = new Path(qualified.getParent(), qualified.getName() + ".staging-" + runId);
    } catch (IOException e) {
      throw new JobFailure(JobFailure.INVALID_INPUT, "output path " + target
          + " cannot be used: " + e.getMessage(), e);
    }
    this.mode = mode;
  }

  /** Stops the run before any work when the output exists and the mode is {@code error}. */
  public void checkTarget() {
    try {
      if (mode == Mode.ERROR && fs.exists(target)) {
        throw JobFailure.invalidInput("output path " + target
            + " already exists (use --mode overwrite to replace it)");
      }
    } catch (IOException e) {
      throw new JobFailure(JobFailure.INVALID_INPUT, "output path " + target
          + " cannot be checked: " + e.getMessage(), e);
    }
  }

  /**
   * Deletes staging directories that runs killed before publishing left next to the target
   * (a killed driver cannot clean up). Concurrent runs into one output are not supported.
   */
  public void removeAbandonedStaging() {
    try {
      FileStatus[] leftovers = fs.globStatus(
          new Path(staging.getParent(), fs.makeQualified(target).getName() + ".staging-*"));
      for (FileStatus leftover : leftovers == null ? new FileStatus[0] : leftovers) {
        if (!leftover.getPath().equals(staging)) {
          LOG.warn("removing {}, left by an earlier run that did not finish", leftover.getPath());
          fs.delete(leftover.getPath(), true);
        }
      }
    } catch (IOException e) {
      LOG.warn("could not remove abandoned staging directories next to {}: {}", target,
          e.getMessage());
    }
  }

  /** Where the run writes; becomes {@link #target()} on {@link #publish()}. */
  public String staging() {
    return staging.toString();
  }

  public String staging(String child) {
    return new Path(staging, child).toString();
  }

  public String target() {
    return fs.makeQualified(target).toString();
  }

  public void writeText(String child, String text) throws IOException {
    try (OutputStream out = fs.create(new Path(staging, child), true)) {
      out.write(text.getBytes(StandardCharsets.UTF_8));
    }
  }

  /** Replaces the target with the staged output. */
  public void publish() throws IOException {
    if (fs.exists(target)) {
      if (mode == Mode.ERROR) {
        throw JobFailure.invalidInput("output path " + target
            + " appeared while the job ran; the result stays unpublished at " + staging);
      }
      if (!fs.delete(target, true)) {
        throw new IOException("could not delete the previous output " + target);
      }
    }
    Path parent = target.getParent();
    if (parent != null) {
      fs.mkdirs(parent);
    }
    if (!fs.rename(staging, target)) {
      throw new IOException("could not rename " + staging + " to " + target);
    }
  }

  /** Removes the staging directory of a failed run; never throws. */
  public void discard() {
    try {
      fs.delete(staging, true);
    } catch (IOException | RuntimeException ignored) {
      // Best effort: a leftover staging directory is named by its run and never published.
    }
  }
}
