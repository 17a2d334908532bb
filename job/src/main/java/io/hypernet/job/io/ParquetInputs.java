package io.hypernet.job.io;

import io.hypernet.job.failure.JobFailure;
import io.hypernet.spark.internal.ParquetFooters;
import io.hypernet.text.BoundedText;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.GlobPattern;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/** Reads the w vectors, turning unreadable paths and corrupt files into exit 2. */
public final class ParquetInputs {
  private ParquetInputs() {}

  /**
   * The w vectors under {@code paths} (files, directories, globs: what spark.read.parquet
   * takes) as one lazily read Dataset; a path that matches nothing is exit 2 naming it.
   */
  public static Dataset<Row> readVectors(SparkSession spark, List<String> paths) {
    return read(spark, paths, "input").dataset(spark);
  }

  /**
   * The rows of the files Spark reads for {@code input}, from their footers: exact, and no Spark
   * job (a count() is one, about a second in a fresh JVM).
   */
  public static long rowCount(SparkSession spark, Dataset<Row> input, List<String> paths) {
    try {
      return ParquetFooters.rowCount(spark.sparkContext().hadoopConfiguration(),
          input.inputFiles());
    } catch (IOException | RuntimeException e) {
      throw unreadable(e, "input", paths);
    }
  }

  /** A Parquet input's data files and the schema Spark gives the first one. */
  private record InputFiles(List<String> paths, List<FileStatus> files, StructType schema) {
    /** The files as Spark reads them, with the schema given: no schema-inference job. */
    Dataset<Row> dataset(SparkSession spark) {
      return spark.read().schema(schema).parquet(paths.toArray(String[]::new));
    }
  }

  private static InputFiles read(SparkSession spark, List<String> paths, String what) {
    Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    List<FileStatus> files = new ArrayList<>();
    // Spark reads a file named by two paths twice; the footer count would then not balance.
    Map<Path, String> matchedBy = new HashMap<>();
    for (String path : paths) {
      try {
        Path p = new Path(path);
        FileSystem fs = p.getFileSystem(hadoop);
        FileStatus[] matches = fs.globStatus(p); // the path itself, or what a glob matches
        if (matches == null || matches.length == 0) {
          throw JobFailure.invalidInput(what + " path " + path + " does not exist");
        }
        List<FileStatus> found = ParquetFooters.dataFiles(fs, matches);
        if (found.isEmpty()) {
          throw JobFailure.invalidInput(what + " path " + path + " holds no Parquet files");
        }
        for (FileStatus file : found) {
          String earlier = matchedBy.putIfAbsent(file.getPath(), path);
          if (earlier != null) {
            throw JobFailure.invalidInput(what + " paths " + earlier + " and " + path
                + " both name " + file.getPath() + "; Spark would read its rows twice");
          }
        }
        files.addAll(found);
      } catch (IOException | IllegalArgumentException e) {
        throw new JobFailure(JobFailure.INVALID_INPUT, what + " path " + path
            + " cannot be read: " + e.getMessage(), e);
      }
    }
    try {
      return new InputFiles(paths, files, ParquetFooters.sparkSchema(hadoop,
          spark.sessionState().conf(), files.get(0)));
    } catch (IOException | RuntimeException e) {
      throw unreadable(e, what, paths);
    }
  }

  /** A file under the paths that parquet-java cannot read: exit 2 naming the path(s). */
  private static JobFailure unreadable(Exception e, String what, List<String> paths) {
    JobFailure failure = unreadableInputOr(e, what, paths);
    return failure.exitCode() == JobFailure.INVALID_INPUT ? failure
        : new JobFailure(JobFailure.INVALID_INPUT, what + " " + described(paths)
            + " is not readable Parquet: " + BoundedText.firstLine(e), e);
  }

  /** "path p", or "paths p1, p2" for several. */
  private static String described(List<String> paths) {
    return (paths.size() == 1 ? "path " : "paths ") + String.join(", ", paths);
  }

  /**
   * Turns a failure to decode one of the files under {@code paths}, found only when its pages
   * are read (the schema comes from one footer), into exit 2 naming the path it is under; any
   * other failure, including a corrupt file elsewhere (a staged output file, a shuffle file),
   * becomes exit 1 with its own message.
   */
  public static JobFailure unreadableInputOr(Exception e, String what, List<String> paths) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof JobFailure) {
        return (JobFailure) t;
      }
    }
    Throwable culprit = null;
    for (Throwable t = e; t != null; t = t.getCause()) {
      String message = String.valueOf(t.getMessage());
      // Spark's wrappers repeat the cause in their first line; report the cause itself.
      boolean wrapper = message.startsWith("Job aborted") || message.startsWith("[TASK_WRITE")
          || message.startsWith("Exception thrown in awaitResult");
      if (!wrapper && (t instanceof org.apache.parquet.io.ParquetDecodingException
          || t instanceof org.apache.hadoop.fs.ChecksumException
          || t instanceof java.io.EOFException
          || message.contains("is not a Parquet file")
          || message.contains("CANNOT_READ_FILE_FOOTER")
          // Spark 4 puts its error class first: "[FAILED_READ_FILE.NO_HINT] Encountered ...".
          || message.startsWith("Encountered error while reading file")
          || message.startsWith("[FAILED_READ_FILE"))) {
        culprit = t;
        break;
      }
    }
    if (culprit == null) {
      return new JobFailure(1, "failed: " + BoundedText.firstLine(e), e);
    }
    String path = paths.stream().filter(p -> namesFileUnder(e, p)).findFirst().orElse(null);
    if (path == null) {
      return new JobFailure(1, "failed reading a file that is not under the " + what + " "
          + described(paths) + ": " + BoundedText.firstLine(culprit), e);
    }
    return new JobFailure(JobFailure.INVALID_INPUT, what + " path " + path
        + " holds a corrupt or truncated Parquet file: " + BoundedText.firstLine(culprit), e);
  }

  /**
   * Whether a message of the chain names {@code path} or a file under it. Spark names files
   * qualified ({@code file:/data/w/part-0.parquet}, {@code hdfs://nn:8020/data/w/...}), so the
   * path is matched without scheme and authority, as a whole path (not /data/w2, not
   * /data/w.staging-...); a glob as what it matches.
   */
  static boolean namesFileUnder(Throwable e, String path) {
    String dir = Path.getPathWithoutSchemeAndAuthority(new Path(path)).toString();
    GlobPattern glob = new GlobPattern(dir);
    Pattern named = Pattern.compile((dir.startsWith("/") ? "" : "/")
        + (glob.hasWildcard() ? glob.compiled().pattern() : Pattern.quote(dir))
        + "(?=[/\\s'\",;)\\]]|\\.(\\s|$)|$)");
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t.getMessage() != null && named.matcher(t.getMessage()).find()) {
        return true;
      }
    }
    return false;
  }
}
