package io.hypernet.table;

import io.hypernet.spark.internal.ParquetFooters;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Predicate;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.column.statistics.Statistics;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ParquetMetadata;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.parquet.io.api.Binary;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every table format does with a run's data directory ({@code hypernet-<run id>} inside the
 * table): read its files' footers for the commit, remove it when the run did not commit, and find
 * the directories killed runs left behind.
 */
final class RunFiles {
  private static final Logger LOG = LoggerFactory.getLogger(RunFiles.class);
  /** A run's data directory is this and its run id. */
  static final String RUN_PREFIX = "hypernet-";
  /** Footers read at once when committing; each is one small read, latency-bound on S3. */
  private static final int FOOTER_READERS = 16;

  private RunFiles() {}

  /** A data file and its footer. */
  record Footer(FileStatus status, ParquetMetadata metadata) {
    long rows() {
      return metadata.getBlocks().stream().mapToLong(BlockMetaData::getRowCount).sum();
    }
  }

  /** The one config_id whose bounds over a file are {@code config}; a table's file holds one. */
  static String onlyConfig(Path file, Statistics<?> config) throws IOException {
    if (config == null || !config.hasNonNullValue()
        || !config.genericGetMin().equals(config.genericGetMax())) {
      throw new IOException(file + " holds more than one configuration; a table's file holds one");
    }
    return ((Binary) config.genericGetMin()).toStringUsingUTF8();
  }

  /** The runs' directories that the table's history names; read when asked (it may be slow). */
  interface ReferencedRuns {
    Set<String> names() throws IOException;
  }

  /**
   * The footers of the data files under {@code directory}, as Spark lists a directory (the lease
   * '_' and temporaries '.' are not data), read by the Parquet reader Spark ships, several at once.
   * A file without rows (the schema-only file of an empty partition) is deleted and left out.
   */
  static List<Footer> footers(FileSystem fs, Path directory, Configuration hadoop)
      throws IOException {
    List<FileStatus> parquet = ParquetFooters.dataFiles(fs, fs.getFileStatus(directory));
    ExecutorService readers = Executors.newFixedThreadPool(
        Math.max(1, Math.min(FOOTER_READERS, parquet.size())));
    try {
      List<Future<Footer>> pending = new ArrayList<>();
      for (FileStatus status : parquet) {
        pending.add(readers.submit(() -> {
          try (ParquetFileReader reader = ParquetFileReader.open(
              HadoopInputFile.fromStatus(status, hadoop))) {
            return new Footer(status, reader.getFooter());
          }
        }));
      }
      List<Footer> footers = new ArrayList<>();
      for (Future<Footer> future : pending) {
        Footer footer = future.get();
        if (footer.rows() > 0) {
          footers.add(footer);
        } else {
          fs.delete(footer.status().getPath(), false);
        }
      }
      return footers;
    } catch (ExecutionException e) {
      throw e.getCause() instanceof IOException io ? io
          : new IOException("reading the footers under " + directory + ": " + e.getCause(),
              e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted reading the footers under " + directory, e);
    } finally {
      readers.shutdownNow();
    }
  }

  /**
   * Deletes the run directories beside {@code own} whose run {@code runGone} says has ended and
   * that the table's history does not name; returns those removed.
   */
  static List<String> removeAbandoned(FileSystem fs, Path own, Predicate<String> runGone,
      ReferencedRuns referenced, String table) throws IOException {
    Path parent = own.getParent();
    if (!fs.exists(parent)) {
      return List.of();
    }
    List<Path> candidates = new ArrayList<>();
    for (FileStatus status : fs.listStatus(parent)) {
      Path run = status.getPath();
      if (status.isDirectory() && run.getName().startsWith(RUN_PREFIX)
          && !run.getName().equals(own.getName()) && runGone.test(run.toString())) {
        candidates.add(run);
      }
    }
    if (candidates.isEmpty()) {
      return List.of();
    }
    // Read after the runs were seen gone: a run commits before it ends.
    Set<String> named = referenced.names();
    List<String> removed = new ArrayList<>();
    for (Path run : candidates) {
      if (!named.contains(run.getName()) && fs.delete(run, true)) {
        LOG.info("removed {}, the files of an earlier run into {} that never committed", run,
            table);
        removed.add(run.toString());
      }
    }
    return removed;
  }

  /** Deletes this run's directory: its files were not committed. */
  static void removeUncommitted(Path directory, Configuration hadoop) {
    try {
      if (directory.getFileSystem(hadoop).delete(directory, true)) {
        LOG.info("removed the uncommitted files of this run, {}", directory);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("could not remove the uncommitted files under " + directory,
          e);
    }
  }
}
