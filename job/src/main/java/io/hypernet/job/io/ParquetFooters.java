package io.hypernet.job.io;

import java.io.IOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;

/** Row counts read from Parquet footers: exact, without a Spark job or a single data page. */
public final class ParquetFooters {
  private ParquetFooters() {}

  /** Rows in the data files directly under {@code dir} (hidden and '_' files skipped). */
  public static long rowCount(Configuration hadoop, String dir) throws IOException {
    Path path = new Path(dir);
    FileSystem fs = path.getFileSystem(hadoop);
    long rows = 0;
    for (FileStatus file : fs.listStatus(path, ParquetFooters::isDataFile)) {
      try (ParquetFileReader reader =
          ParquetFileReader.open(HadoopInputFile.fromStatus(file, hadoop))) {
        rows += reader.getRecordCount();
      }
    }
    return rows;
  }

  private static boolean isDataFile(Path path) {
    String name = path.getName();
    return !name.startsWith("_") && !name.startsWith(".");
  }
}
