package io.hypernet.job.io;

import io.hypernet.config.ConfigRow;
import io.hypernet.job.JobFailure;
import io.hypernet.text.BoundedText;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;

/** Reads the two Parquet inputs, turning unreadable paths and wrong schemas into exit 2. */
public final class ParquetInputs {
  private ParquetInputs() {}

  /** SPEC §2 columns and the types they may have (ints may also be stored as longs). */
  private static final Map<String, List<DataType>> CONFIG_COLUMNS = Map.of(
      "config_id", List.of(DataTypes.StringType),
      "l", List.of(DataTypes.IntegerType, DataTypes.LongType, DataTypes.ShortType),
      "n", List.of(DataTypes.IntegerType, DataTypes.LongType, DataTypes.ShortType),
      "D", List.of(DataTypes.IntegerType, DataTypes.LongType, DataTypes.ShortType),
      "hidden_dim", List.of(DataTypes.IntegerType, DataTypes.LongType, DataTypes.ShortType),
      "seed", List.of(DataTypes.LongType, DataTypes.IntegerType),
      "static", List.of(DataTypes.BooleanType),
      "activation", List.of(DataTypes.StringType),
      "weights", List.of(DataTypes.StringType));
  private static final List<String> REQUIRED = List.of("config_id", "l", "n", "D");

  /** The w vectors as a lazily read Dataset. */
  public static Dataset<Row> readVectors(SparkSession spark, String path) {
    return read(spark, path, "input");
  }

  /**
   * The configurations, collected to the driver: one row per hypernet, so small by nature, and
   * the driver needs them to build the weights.
   */
  public static List<ConfigRow> readConfigs(SparkSession spark, String path) {
    Dataset<Row> configs = read(spark, path, "configs");
    for (String column : REQUIRED) {
      if (!List.of(configs.columns()).contains(column)) {
        throw JobFailure.invalidInput("configs " + path + ": required column '" + column
            + "' is missing (columns: " + String.join(", ", configs.columns()) + ")");
      }
    }
    for (StructField field : configs.schema().fields()) {
      List<DataType> allowed = CONFIG_COLUMNS.get(field.name());
      if (allowed != null && !allowed.contains(field.dataType())) {
        throw JobFailure.invalidInput("configs " + path + ": column '" + field.name()
            + "' has type " + field.dataType().simpleString() + "; expected "
            + allowed.get(0).simpleString());
      }
    }
    List<ConfigRow> rows = new ArrayList<>();
    for (Row r : configs.collectAsList()) {
      rows.add(new ConfigRow(r.getAs("config_id"), longOrNull(r, "l"), longOrNull(r, "n"),
          longOrNull(r, "D"), longOrNull(r, "hidden_dim"), longOrNull(r, "seed"),
          valueOrNull(r, "static"), valueOrNull(r, "activation"), valueOrNull(r, "weights"),
          path));
    }
    return rows;
  }

  /**
   * The directory relative weights paths are resolved against: the configs path when it is a
   * directory, else its parent; qualified (e.g. {@code file:/data/configs}).
   */
  public static String configsDirectory(SparkSession spark, String configsPath) {
    Path p = new Path(configsPath);
    try {
      FileSystem fs = p.getFileSystem(spark.sparkContext().hadoopConfiguration());
      Path qualified = fs.makeQualified(p);
      return fs.getFileStatus(qualified).isDirectory() ? qualified.toString()
          : qualified.getParent().toString();
    } catch (IOException e) {
      throw new JobFailure(JobFailure.INVALID_INPUT, "configs path " + configsPath
          + " cannot be read: " + e.getMessage(), e);
    }
  }

  private static Dataset<Row> read(SparkSession spark, String path, String what) {
    Path p = new Path(path);
    try {
      FileSystem fs = p.getFileSystem(spark.sparkContext().hadoopConfiguration());
      if (!fs.exists(p)) {
        throw JobFailure.invalidInput(what + " path " + path + " does not exist");
      }
      FileStatus status = fs.getFileStatus(p);
      if (status.isDirectory() && !hasDataFiles(fs, p)) {
        throw JobFailure.invalidInput(what + " path " + path + " holds no Parquet files");
      }
    } catch (IOException e) {
      throw new JobFailure(JobFailure.INVALID_INPUT, what + " path " + path
          + " cannot be read: " + e.getMessage(), e);
    }
    try {
      return spark.read().parquet(path);
    } catch (Exception e) { // schema inference runs a Spark job; its SparkException is checked
      JobFailure failure = unreadableInputOr(e, what, path);
      throw failure.exitCode() == JobFailure.INVALID_INPUT ? failure
          : new JobFailure(JobFailure.INVALID_INPUT, what + " path " + path
              + " is not readable Parquet: " + firstLine(e), e);
    }
  }

  private static boolean hasDataFiles(FileSystem fs, Path dir) throws IOException {
    for (FileStatus child : fs.listStatus(dir)) {
      String name = child.getPath().getName();
      if (name.startsWith("_") || name.startsWith(".")) {
        continue;
      }
      if (child.isFile() ? child.getLen() > 0 : hasDataFiles(fs, child.getPath())) {
        return true;
      }
    }
    return false;
  }

  /**
   * Turns a failure to decode one of the files under {@code path}, found only when its pages are
   * read (the schema comes from one footer), into exit 2 naming the file; any other failure,
   * including a corrupt file elsewhere (a staged output file, a shuffle file), becomes exit 1
   * with its own message.
   */
  public static JobFailure unreadableInputOr(Exception e, String what, String path) {
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
          || message.startsWith("Encountered error while reading file"))) {
        culprit = t;
        break;
      }
    }
    if (culprit == null) {
      return new JobFailure(1, "failed: " + firstLine(e), e);
    }
    if (!namesFileUnder(e, path)) {
      return new JobFailure(1, "failed reading a file that is not under the " + what + " path "
          + path + ": " + firstLine(culprit), e);
    }
    return new JobFailure(JobFailure.INVALID_INPUT, what + " path " + path
        + " holds a corrupt or truncated Parquet file: " + firstLine(culprit), e);
  }

  /**
   * Whether a message of the chain names {@code path} or a file under it. Spark names files
   * qualified ({@code file:/data/w/part-0.parquet}, {@code hdfs://nn:8020/data/w/...}), so the
   * path is matched without scheme and authority, as a whole path (not /data/w2, not
   * /data/w.staging-...).
   */
  static boolean namesFileUnder(Throwable e, String path) {
    String dir = Path.getPathWithoutSchemeAndAuthority(new Path(path)).toString();
    Pattern named = Pattern.compile((dir.startsWith("/") ? "" : "/") + Pattern.quote(dir)
        + "(?=[/\\s'\",;)\\]]|\\.(\\s|$)|$)");
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t.getMessage() != null && named.matcher(t.getMessage()).find()) {
        return true;
      }
    }
    return false;
  }

  static String firstLine(Throwable e) {
    String message = String.valueOf(e.getMessage());
    int newline = message.indexOf('\n');
    return BoundedText.of(newline < 0 ? message : message.substring(0, newline));
  }

  private static boolean has(Row r, String column) {
    return List.of(r.schema().fieldNames()).contains(column) && !r.isNullAt(r.fieldIndex(column));
  }

  private static Long longOrNull(Row r, String column) {
    return has(r, column) ? ((Number) r.getAs(column)).longValue() : null;
  }

  private static <T> T valueOrNull(Row r, String column) {
    return has(r, column) ? r.getAs(column) : null;
  }
}
