package io.hypernet.spark;

import io.hypernet.config.HypernetConfig;
import io.hypernet.text.BoundedText;
import io.hypernet.weights.HypernetWeights;
import io.hypernet.weights.InvalidWeightsException;
import io.hypernet.weights.SafetensorsFile;
import java.io.IOException;
import java.io.InputStream;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Reads a trained hypernet's safetensors file through Hadoop's FileSystem, so any URI Spark can
 * read (file, HDFS, S3A, ...) works. The driver validates each file once, one at a time, and pins
 * its identity (length, modification time, content digest); an executor reads the file again
 * when it needs the hypernet, and refuses a file that changed in between.
 */
final class ImportedWeights {
  /** Room for the JSON header and its metadata beyond the tensors themselves. */
  private static final long HEADER_ALLOWANCE = 16L << 20;
  private static final String DIGEST_MARK = "#sha256:";

  private ImportedWeights() {}

  /**
   * Reads and validates {@code config}'s file on the driver, keeping none of its weights.
   *
   * @return the recipe: the configuration with the file's digest pinned, and the file's identity
   * @throws InvalidWeightsException the file is readable but not this configuration's hypernet
   * @throws UnreadableWeightsException the file cannot be read at all
   */
  static HypernetRecipe validate(HypernetConfig config, Configuration hadoop) {
    String source = config.weightsSource();
    Path path = new Path(source);
    try {
      FileSystem fs = path.getFileSystem(hadoop);
      FileStatus status = fs.getFileStatus(path);
      if (status.isDirectory()) {
        throw new UnreadableWeightsException(describe(config, source) + " is a directory", null);
      }
      // F64, the widest dtype accepted, takes 8 bytes per parameter.
      long largest = config.parameterCount() * Double.BYTES + HEADER_ALLOWANCE;
      if (status.getLen() > largest) {
        throw new InvalidWeightsException(source, null, "the file has " + status.getLen()
            + " bytes, more than the " + largest + " a hypernet of " + config + " can take");
      }
      Read read = read(source, fs, path, status.getLen());
      // The digest joins the configuration's identity: a rewritten file is never served stale
      // from an executor's cache.
      HypernetConfig pinned = config.withWeightsSource(source + DIGEST_MARK + read.digest());
      HypernetWeights.imported(pinned, read.file()); // validates names, shapes, finiteness
      return HypernetRecipe.imported(pinned, source, status.getLen(),
          status.getModificationTime());
    } catch (IOException e) {
      throw new UnreadableWeightsException(describe(config, source) + " cannot be read: "
          + BoundedText.of(e.getMessage()), e);
    }
  }

  /**
   * Reads a validated file again on an executor.
   *
   * @throws IllegalStateException the file changed or vanished since the driver validated it
   */
  static HypernetWeights load(HypernetRecipe recipe, Configuration hadoop) {
    HypernetConfig config = recipe.config();
    Path path = new Path(recipe.file());
    String changed = describe(config, recipe.file()) + " changed since the run started (";
    try {
      FileSystem fs = path.getFileSystem(hadoop);
      FileStatus status = fs.getFileStatus(path);
      if (status.getLen() != recipe.length()
          || status.getModificationTime() != recipe.modificationTime()) {
        throw new IllegalStateException(changed + "length " + recipe.length() + " → "
            + status.getLen() + ", modified " + recipe.modificationTime() + " → "
            + status.getModificationTime() + "); rerun the job");
      }
      Read read = read(recipe.file(), fs, path, status.getLen());
      if (!config.weightsSource().endsWith(DIGEST_MARK + read.digest())) {
        throw new IllegalStateException(changed + "its content digest differs); rerun the job");
      }
      return HypernetWeights.imported(config, read.file());
    } catch (IOException e) {
      throw new IllegalStateException(describe(config, recipe.file())
          + " cannot be read on the executor: "
          + BoundedText.of(e.getMessage()), e);
    }
  }

  private record Read(SafetensorsFile file, String digest) {}

  private static Read read(String source, FileSystem fs, Path path, long length)
      throws IOException {
    try {
      MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
      SafetensorsFile file;
      try (InputStream in = new DigestInputStream(fs.open(path), sha256)) {
        file = SafetensorsFile.read(in, length, source);
      }
      return new Read(file, HexFormat.of().formatHex(sha256.digest()).substring(0, 16));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  private static String describe(HypernetConfig config, String file) {
    return "configuration '" + BoundedText.of(config.configId()) + "': weights "
        + BoundedText.of(file);
  }
}
