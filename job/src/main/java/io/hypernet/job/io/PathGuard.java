package io.hypernet.job.io;

import io.hypernet.job.failure.JobFailure;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.GlobPattern;
import org.apache.hadoop.fs.Path;

/**
 * Refuses, before anything is written, a run whose output or rejects would replace or delete its
 * own inputs. Paths are compared after qualifying them (relative paths, {@code ..}, trailing
 * slashes, the filesystem's canonical host and port) and, on the local filesystem, after
 * resolving symlinks.
 */
public final class PathGuard {
  /** The port an hdfs:// URI without one reaches (HdfsClientConfigKeys' RPC default). */
  private static final int HDFS_DEFAULT_PORT = 8020;
  private final Configuration hadoop;

  public PathGuard(Configuration hadoop) {
    this.hadoop = hadoop;
  }

  /**
   * Checks the run's paths (exit 2 naming both paths of a conflict) and returns where the
   * rejects go inside the output, relative to it, or null when they are a separate dataset.
   * Every input is checked; a glob as each path it matches.
   */
  public String check(List<String> inputs, String configs, String output, String rejects) {
    Map<String, List<Path>> in = new LinkedHashMap<>();
    for (String input : inputs) {
      in.put(input, resolveInput(input));
    }
    Path conf = resolve("--configs", configs);
    Path out = resolve("--output", output);
    in.forEach((input, paths) -> paths.forEach(p -> {
      refuseOverlap("--output", output, out, "--input", input, p);
      refuseReserved("--input", input, p, out);
    }));
    refuseOverlap("--output", output, out, "--configs", configs, conf);
    refuseReserved("--configs", configs, conf, out);
    if (rejects == null) {
      return "_rejects";
    }
    Path rej = resolve("--rejects", rejects);
    in.forEach((input, paths) -> paths.forEach(p ->
        refuseOverlap("--rejects", rejects, rej, "--input", input, p)));
    refuseOverlap("--rejects", rejects, rej, "--configs", configs, conf);
    if (within(out, rej)) {
      throw conflict("--rejects", rejects, "--output", output,
          "is the output or a directory above it, so publishing one would replace the other");
    }
    if (!within(rej, out)) {
      refuseReserved("--rejects", rejects, rej, out);
      in.forEach((input, paths) -> paths.forEach(p -> refuseReserved("--input", input, p, rej)));
      refuseReserved("--configs", configs, conf, rej);
      refuseReserved("--output", output, out, rej);
      return null;
    }
    String relative = out.toUri().relativize(rej.toUri()).getPath();
    if (!relative.startsWith("_") && !relative.startsWith(".")) {
      throw conflict("--rejects", rejects, "--output", output, "is inside the output under a "
          + "name Spark would read as part of the output dataset; use a directory starting "
          + "with '_' (like the default <output>/_rejects) or a path outside the output");
    }
    return relative;
  }

  /** The paths a glob matches now, each resolved; the path itself when it is no glob. */
  private List<Path> resolveInput(String input) {
    try {
      Path given = new Path(input);
      if (!new GlobPattern(input).hasWildcard()) {
        return List.of(resolve("--input", input));
      }
      FileStatus[] matches = given.getFileSystem(hadoop).globStatus(given);
      List<Path> paths = new ArrayList<>();
      for (FileStatus match : matches == null ? new FileStatus[0] : matches) {
        paths.add(resolve("--input", match.getPath().toString()));
      }
      return paths;
    } catch (IOException | IllegalArgumentException e) {
      throw new JobFailure(JobFailure.INVALID_INPUT, "--input " + input + " cannot be used: "
          + e.getMessage(), e);
    }
  }

  /** The qualified path; on the local filesystem with its existing part's symlinks resolved. */
  private Path resolve(String flag, String path) {
    try {
      Path given = new Path(path);
      FileSystem fs = given.getFileSystem(hadoop);
      Path qualified = fs.makeQualified(given);
      if (!"file".equals(qualified.toUri().getScheme())) {
        return withCanonicalHost(qualified);
      }
      java.nio.file.Path local = Paths.get(qualified.toUri()).normalize();
      java.nio.file.Path existing = local;
      while (existing != null && !Files.exists(existing)) {
        existing = existing.getParent();
      }
      if (existing == null) {
        return qualified;
      }
      // Through a string: Path.toUri() of an existing directory ends in a slash.
      return fs.makeQualified(
          new Path(existing.toRealPath().resolve(existing.relativize(local)).toString()));
    } catch (IOException | IllegalArgumentException e) {
      throw new JobFailure(JobFailure.INVALID_INPUT, flag + " " + path + " cannot be used: "
          + e.getMessage(), e);
    }
  }

  /**
   * An HDFS authority is a NameNode's host and port: hdfs://localhost, hdfs://127.0.0.1 and
   * hdfs://localhost:8020 (the client's default RPC port) name one filesystem. Other schemes'
   * authorities (buckets, HA nameservices) are kept as given.
   */
  private static Path withCanonicalHost(Path qualified) {
    URI uri = qualified.toUri();
    if (uri.getHost() == null || !uri.getScheme().matches("(s?web)?hdfs")) {
      return qualified;
    }
    try {
      String host = InetAddress.getByName(uri.getHost()).getCanonicalHostName();
      int port = uri.getPort() == -1 && "hdfs".equals(uri.getScheme()) ? HDFS_DEFAULT_PORT
          : uri.getPort();
      return new Path(new URI(uri.getScheme(), null, host, port, uri.getPath(), null, null));
    } catch (UnknownHostException | URISyntaxException e) {
      return qualified;
    }
  }

  private static void refuseOverlap(String flag, String given, Path path, String otherFlag,
      String otherGiven, Path other) {
    if (within(path, other) || within(other, path)) {
      throw conflict(flag, given, otherFlag, otherGiven, path.equals(other) ? "is the same path"
          : "is inside or above it, so publishing one would replace or delete the other");
    }
  }

  /** A path inside the staging, aside, lease or journal of a target would be swept or moved. */
  private static void refuseReserved(String flag, String given, Path path, Path target) {
    for (Path p = path; p != null; p = p.getParent()) {
      if (OutputPublisher.isReservedSibling(p, target)) {
        throw JobFailure.invalidInput(flag + " " + given + " lies in " + p + ", a name the "
            + "publish of " + target + " uses for its own files; choose another path");
      }
    }
  }

  /** True when {@code inner} is {@code outer} or lies below it. */
  static boolean within(Path inner, Path outer) {
    String in = inner.toUri().getPath();
    String out = outer.toUri().getPath();
    return sameFileSystem(inner, outer)
        && (in.equals(out) || in.startsWith(out.endsWith("/") ? out : out + "/"));
  }

  private static boolean sameFileSystem(Path a, Path b) {
    return Objects.equals(a.toUri().getScheme(), b.toUri().getScheme())
        && Objects.equals(a.toUri().getAuthority(), b.toUri().getAuthority());
  }

  private static JobFailure conflict(String flag, String given, String otherFlag,
      String otherGiven, String why) {
    return JobFailure.invalidInput(flag + " " + given + " " + why + " (" + otherFlag + " "
        + otherGiven + "); nothing was written");
  }
}
