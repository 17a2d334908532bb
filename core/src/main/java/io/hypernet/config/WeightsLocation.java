package io.hypernet.config;

import io.hypernet.text.BoundedText;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a trained hypernet's safetensors file may be: a path, or a URI of a filesystem that
 * weights are stored on. Checked before anything is read, so a configuration can never make the
 * driver send a request elsewhere (http, ftp, ...). A relative path is resolved against the
 * directory of the configurations.
 */
public final class WeightsLocation {
  /** Filesystem schemes accepted: local, HDFS, and the object stores Hadoop connects to. */
  public static final List<String> SCHEMES = List.of("file", "hdfs", "viewfs", "s3a", "s3", "gs",
      "abfs", "abfss", "wasb", "wasbs", "o3fs", "ofs");
  private static final Pattern SCHEME = Pattern.compile("^([A-Za-z][A-Za-z0-9+.-]*):");

  private WeightsLocation() {}

  /** Null when {@code weights} is a usable location, else why not (naming it, bounded). */
  static String problemOf(String weights) {
    if (weights.isBlank()) {
      return "weights is empty; give the path or URI of a safetensors file";
    }
    String quoted = "weights '" + BoundedText.of(weights) + "'";
    Matcher scheme = SCHEME.matcher(weights);
    try {
      if (!scheme.find()) {
        new URI(null, null, weights, null); // a path; fails on e.g. "::"
        return null;
      }
      String name = scheme.group(1).toLowerCase(Locale.ROOT);
      if (!SCHEMES.contains(name)) {
        return quoted + " has the scheme '" + BoundedText.of(name) + "'; weights are read only "
            + "from a path or a filesystem URI (" + String.join(", ", SCHEMES) + ")";
      }
      URI uri = new URI(weights);
      if (uri.getPath() == null || uri.getPath().isEmpty()) {
        return quoted + " names no file";
      }
      return null;
    } catch (URISyntaxException e) {
      return quoted + " is neither a path nor a valid URI: " + BoundedText.of(e.getReason());
    }
  }

  /**
   * {@code weights} (valid by {@link #problemOf}) with a relative path resolved against
   * {@code baseDirectory}; absolute paths and URIs, or any location when there is no base, as
   * given.
   */
  static String resolve(String weights, String baseDirectory) {
    if (baseDirectory == null || weights.startsWith("/") || SCHEME.matcher(weights).find()) {
      return weights;
    }
    return (baseDirectory.endsWith("/") ? baseDirectory : baseDirectory + "/") + weights;
  }
}
