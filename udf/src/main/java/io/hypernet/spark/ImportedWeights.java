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
 * Loads a trained hypernet's safetensors file on the driver through Hadoop's FileSystem, so any
 * URI Spark can read (file, HDFS, S3A, ...) works; the weights then travel by broadcast.
 */
final class ImportedWeights {
  /** Room for the JSON header and its metadata beyond the tensors themselves. */
  private static final long HEADER_ALLOWANCE = 16L << 20;

  private ImportedWeights() {}

  /**
   * @throws InvalidWeightsException the file is readable but not this configuration's hypernet
   * @throws UnreadableWeightsException the file cannot be read at all
   */
  static HypernetWeights read(HypernetConfig config, Configuration hadoop) {
    String source = config.weightsSource();
    Path path = new Path(source);
    try {
      FileSystem fs = path.getFileSystem(hadoop);
      FileStatus status = fs.getFileStatus(path);
      if (status.isDirectory()) {
        throw new UnreadableWeightsException(describe(config) + " is a directory", null);
      }
      // F64, the widest dtype accepted, takes 8 bytes per parameter.
      long largest = config.parameterCount() * Double.BYTES + HEADER_ALLOWANCE;
      if (status.getLen() > largest) {
        throw new InvalidWeightsException(source, null, "the file has " + status.getLen()
            + " bytes, more than the " + largest + " a hypernet of " + config + " can take");
      }
      MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
      SafetensorsFile file;
      try (InputStream in = new DigestInputStream(fs.open(path), sha256)) {
        file = SafetensorsFile.read(in, status.getLen(), source);
      }
      // The digest joins the configuration's identity: a rewritten file is never served stale
      // from an executor's cache.
      String digest = HexFormat.of().formatHex(sha256.digest()).substring(0, 16);
      return HypernetWeights.imported(config.withWeightsSource(source + "#sha256:" + digest),
          file);
    } catch (IOException e) {
      throw new UnreadableWeightsException(describe(config) + " cannot be read: "
          + BoundedText.of(e.getMessage()), e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  private static String describe(HypernetConfig config) {
    return "configuration '" + BoundedText.of(config.configId()) + "': weights "
        + BoundedText.of(config.weightsSource());
  }
}
