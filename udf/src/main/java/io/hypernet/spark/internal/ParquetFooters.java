package io.hypernet.spark.internal;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.hadoop.Footer;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.spark.sql.execution.datasources.parquet.ParquetFileFormat$;
import org.apache.spark.sql.execution.datasources.parquet.ParquetToSparkSchemaConverter;
import org.apache.spark.sql.internal.SQLConf;
import org.apache.spark.sql.types.StructType;

/**
 * What Parquet footers tell without a Spark job or a single data page: exact row counts, and
 * the schema Spark would infer.
 */
public final class ParquetFooters {
  private ParquetFooters() {}

  /** Rows in the data files directly under {@code dir} (hidden and '_' files skipped). */
  public static long rowCount(Configuration hadoop, String dir) throws IOException {
    Path path = new Path(dir);
    FileSystem fs = path.getFileSystem(hadoop);
    long rows = 0;
    for (FileStatus file : fs.listStatus(path, ParquetFooters::isDataFile)) {
      rows += rowCount(hadoop, file);
    }
    return rows;
  }

  /**
   * The data files directly under {@code dir}, by name: read that way, Spark warns neither about
   * a '_'-prefixed directory (3.5) nor about a glob (4, with a stack trace).
   */
  public static String[] dataFilesIn(Configuration hadoop, String dir) throws IOException {
    Path path = new Path(dir);
    return Stream.of(path.getFileSystem(hadoop).listStatus(path, ParquetFooters::isDataFile))
        .map(file -> file.getPath().toString()).sorted().toArray(String[]::new);
  }

  /** Rows in these files (e.g. a Dataset's inputFiles()). */
  public static long rowCount(Configuration hadoop, String[] files) throws IOException {
    long rows = 0;
    for (String file : files) {
      Path path = new Path(file);
      rows += rowCount(hadoop, path.getFileSystem(hadoop).getFileStatus(path));
    }
    return rows;
  }

  private static long rowCount(Configuration hadoop, FileStatus file) throws IOException {
    try (ParquetFileReader reader =
        ParquetFileReader.open(HadoopInputFile.fromStatus(file, hadoop))) {
      return reader.getRecordCount();
    }
  }

  /**
   * The non-empty data files among {@code paths} (files, or directories searched at any depth),
   * by path: what Spark reads, hidden and '_' names skipped below the given paths.
   */
  public static List<FileStatus> dataFiles(FileSystem fs, FileStatus... paths)
      throws IOException {
    List<FileStatus> files = new ArrayList<>();
    for (FileStatus status : paths) {
      if (status.isFile()) {
        files.add(status);
      } else {
        collect(fs, status.getPath(), files);
      }
    }
    files.removeIf(f -> f.getLen() == 0);
    files.sort(Comparator.comparing(f -> f.getPath().toString()));
    return files;
  }

  private static void collect(FileSystem fs, Path dir, List<FileStatus> files)
      throws IOException {
    for (FileStatus child : fs.listStatus(dir, ParquetFooters::isDataFile)) {
      if (child.isDirectory()) {
        collect(fs, child.getPath(), files);
      } else {
        files.add(child);
      }
    }
  }

  /**
   * The Spark schema of one file, as Spark's own inference gets it from the first file's footer
   * (Spark's stored row schema when there is one, so ML vectors stay vectors) but without the
   * Spark job that inference runs.
   */
  public static StructType sparkSchema(Configuration hadoop, SQLConf sql, FileStatus file)
      throws IOException {
    try (ParquetFileReader reader =
        ParquetFileReader.open(HadoopInputFile.fromStatus(file, hadoop))) {
      return ParquetFileFormat$.MODULE$.readSchemaFromFooter(
          new Footer(file.getPath(), reader.getFooter()), new ParquetToSparkSchemaConverter(sql));
    }
  }

  private static boolean isDataFile(Path path) {
    String name = path.getName();
    return !name.startsWith("_") && !name.startsWith(".");
  }
}
