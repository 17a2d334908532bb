package io.hypernet.spark;

import io.hypernet.config.HypernetConfig;
import io.hypernet.parquet.FieldIds;
import io.hypernet.parquet.MatrixParquetWriter;
import io.hypernet.parquet.OutputCodecs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.executor.CommitDeniedException;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.util.SerializableConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes each partition's reconciled batches straight from the engine's output buffer into
 * Parquet files with {@link MatrixParquetWriter}: no Row objects, no per-value encoding. A
 * partition rolls to a new file every {@code maxRowsPerFile} rows (0: one file). The files are
 * written under hidden temporary names and renamed to names fixed by the partition index and the
 * file's rank by the one attempt Spark lets commit, so retried or speculative attempts never add
 * rows. It hands out the key of every row it wrote, for the accounting.
 */
final class MatrixParquetSink implements FlatMapFunction<Iterator<InternalRow>, InternalRow> {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(MatrixParquetSink.class);
  /** Row groups of about this size; one is buffered per running task. */
  static final long ROW_GROUP_BYTES = 64L << 20;

  private final HypernetCatalog catalog;
  private final ReconcileOptions options;
  private final DataType idType;
  private final ReconcileMetrics metrics;
  private final String dir;
  private final OutputCodecs codecs;
  private final SerializableConfiguration hadoop;
  private final String sparkSchemaJson;
  private long maxRowsPerFile;
  /** A table's files: one configuration per file (its partition). */
  private boolean tableFiles;
  /** The ids a table's columns carry; null where the format maps columns by name. */
  private FieldIds tableFieldIds;

  MatrixParquetSink(HypernetCatalog catalog, ReconcileOptions options, DataType idType,
      ReconcileMetrics metrics, String dir, OutputCodecs codecs, Configuration hadoop) {
    this.catalog = catalog;
    this.options = options;
    this.idType = idType;
    this.metrics = metrics;
    this.dir = dir;
    this.codecs = codecs;
    this.hadoop = new SerializableConfiguration(hadoop);
    this.sparkSchemaJson = OutputSchema.of(idType, options).json();
  }

  /** Rolls each partition to a new file every {@code rows} rows; 0 keeps one file. */
  MatrixParquetSink rollingEvery(long rows) {
    if (rows < 0) {
      throw new IllegalArgumentException("max rows per file must be >= 0, got " + rows);
    }
    this.maxRowsPerFile = rows;
    return this;
  }

  /**
   * Writes a table's data files: a file holds one configuration (the table's partition), and
   * the columns carry the table's field ids, if it has any (Iceberg's; Delta maps by name).
   */
  MatrixParquetSink forTable(FieldIds fieldIds) {
    this.tableFiles = true;
    this.tableFieldIds = fieldIds;
    return this;
  }

  /** Named, like Spark's files, by partition, rank and the codec of --compression (the keys'). */
  static String fileName(int partition, int rank, CompressionCodecName codec) {
    return String.format(Locale.ROOT, "%s-c%03d.%s.parquet", partitionPrefix(partition), rank,
        codec.name().toLowerCase(Locale.ROOT));
  }

  private static String partitionPrefix(int partition) {
    return String.format(Locale.ROOT, "part-%05d", partition);
  }

  static boolean isTemporary(String name) {
    return name.startsWith(".part-") && name.endsWith(".tmp");
  }

  /** Writes the partition's file and returns the keys (config_id, id) of the rows written. */
  @Override
  public Iterator<InternalRow> call(Iterator<InternalRow> rows) throws IOException {
    return new PartitionFile(rows);
  }

  /**
   * The partition's file, written batch by batch as the keys of its rows are handed out, and
   * published (renamed into place) when the last key has been: the keys of one pass feed the
   * accounting, so nothing is read back.
   */
  private final class PartitionFile implements Iterator<InternalRow> {
    private final PartitionReconciler reconciler;
    private final int partition;
    private final long attempt;
    private final FileSystem fs;
    /** The temporary files of this attempt, in rank order; the last one is being written. */
    private final List<Path> temporaries = new ArrayList<>();
    private MatrixParquetWriter writer;
    /** The config_id of the rows in the file being written. */
    private byte[] fileConfigId;
    private long rowsInFile;
    private int next;
    private boolean published;

    PartitionFile(Iterator<InternalRow> rows) throws IOException {
      TaskContext task = TaskContext.get();
      this.partition = task.partitionId();
      this.attempt = task.taskAttemptId();
      this.fs = new Path(dir).getFileSystem(hadoop.value());
      this.reconciler = new PartitionReconciler(rows, catalog, options, idType, metrics, null);
      // A failed or killed attempt leaves no temporary file behind.
      task.addTaskCompletionListener(
          (org.apache.spark.util.TaskCompletionListener) ctx -> abandonUnlessPublished());
    }

    @Override
    public boolean hasNext() {
      try {
        while (next >= reconciler.batchRows()) {
          if (published) {
            return false;
          }
          if (!reconciler.advanceBatch()) {
            publish();
            return false;
          }
          writeBatch();
          next = 0;
        }
        return true;
      } catch (IOException e) {
        throw new UncheckedIOException("writing the files of partition " + partition + " in "
            + dir + " failed", e);
      }
    }

    private void writeBatch() throws IOException {
      byte[] configId = reconciler.batchConfigId().getBytes();
      if (writer != null && tableFiles && !Arrays.equals(configId, fileConfigId)) {
        roll();
      }
      fileConfigId = configId;
      for (int i = 0; i < reconciler.batchRows(); i++) {
        if (writer == null || (maxRowsPerFile > 0 && rowsInFile == maxRowsPerFile)) {
          roll();
        }
        write(reconciler, i, configId, writer);
        rowsInFile++;
      }
    }

    /** Closes the file being written, if any, and opens the next one. */
    private void roll() throws IOException {
      if (writer != null) {
        writer.close();
      }
      Path temporary = new Path(dir, "." + fileName(partition, temporaries.size(), codecs.keys())
          + "." + attempt + ".tmp");
      temporaries.add(temporary);
      writer = null; // an open that fails leaves nothing to close
      writer = open(temporary);
      rowsInFile = 0;
    }

    @Override
    public InternalRow next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      return new GenericInternalRow(
          new Object[] {reconciler.batchConfigId(), reconciler.batchId(next++)});
    }

    private void publish() throws IOException {
      if (writer == null && partition == 0) {
        roll(); // an output without rows still has a file with its schema
      }
      published = true;
      if (writer == null) {
        return;
      }
      writer.close();
      writer = null;
      commit();
    }

    /**
     * Renames the file into place if Spark's output commit coordinator lets this attempt commit
     * the partition (the one Spark's own writers ask), so exactly one attempt of a retried or
     * speculated partition publishes, on any filesystem. A denied attempt removes its file and
     * fails as commit-denied, which Spark does not count as a task failure; its keys go with it.
     */
    private void commit() throws IOException {
      TaskContext task = TaskContext.get();
      if (!SparkEnv.get().outputCommitCoordinator().canCommit(task.stageId(),
          task.stageAttemptNumber(), partition, task.attemptNumber())) {
        deleteTemporaries();
        String message = "attempt " + task.attemptNumber() + " of partition " + partition
            + " may not commit: another attempt did";
        throw new IllegalStateException(message,
            new CommitDeniedException(message, task.stageId(), partition, task.attemptNumber()));
      }
      // An authorized attempt that failed after its renames left the same rows, maybe in
      // other files: replace them all (HDFS's rename does not overwrite, the local one does).
      FileStatus[] earlier = fs.globStatus(new Path(dir, partitionPrefix(partition) + "-c*"));
      for (FileStatus file : earlier == null ? new FileStatus[0] : earlier) {
        fs.delete(file.getPath(), false);
      }
      for (int rank = 0; rank < temporaries.size(); rank++) {
        Path target = new Path(dir, fileName(partition, rank, codecs.keys()));
        if (!fs.rename(temporaries.get(rank), target)) {
          throw new IOException("could not rename " + temporaries.get(rank) + " to " + target);
        }
      }
    }

    private void abandonUnlessPublished() {
      if (writer == null) {
        return;
      }
      try {
        writer.close();
      } catch (IOException | RuntimeException e) {
        LOG.debug("closing abandoned files of partition {}: {}", partition, e.toString());
      }
      deleteTemporaries();
    }

    private void deleteTemporaries() {
      for (Path temporary : temporaries) {
        try {
          fs.delete(temporary, false);
        } catch (IOException e) {
          LOG.warn("could not remove abandoned {}: {}", temporary, e.toString());
        }
      }
    }
  }

  private MatrixParquetWriter open(Path temporary) throws IOException {
    return new MatrixParquetWriter(temporary, hadoop.value(), idTypeOf(idType),
        options.idColumn(), options.configColumn(), codecs, ROW_GROUP_BYTES,
        Map.of("org.apache.spark.sql.parquet.row.metadata", sparkSchemaJson,
            "org.apache.spark.version", org.apache.spark.package$.MODULE$.SPARK_VERSION()),
        tableFieldIds);
  }

  /** Row {@code i} of the batch, whose config_id is {@code configId}. */
  private static void write(PartitionReconciler batch, int i, byte[] configId,
      MatrixParquetWriter writer) throws IOException {
    HypernetConfig config = batch.batchConfig();
    Object id = batch.batchId(i);
    if (id instanceof Long) {
      writer.writeInt64Id((Long) id);
    } else if (id instanceof Number) {
      writer.writeInt32Id(((Number) id).intValue());
    } else if (id instanceof byte[]) {
      writer.writeBytesId((byte[]) id);
    } else {
      writer.writeBytesId(((org.apache.spark.unsafe.types.UTF8String) id).getBytes());
    }
    writer.writeRow(configId, config.n(), config.d(), batch.batchValues(),
        i * config.outputSize());
  }

  static MatrixParquetWriter.IdType idTypeOf(DataType type) {
    if (type.equals(DataTypes.LongType)) {
      return MatrixParquetWriter.IdType.INT64;
    } else if (type.equals(DataTypes.IntegerType)) {
      return MatrixParquetWriter.IdType.INT32;
    } else if (type.equals(DataTypes.ShortType)) {
      return MatrixParquetWriter.IdType.INT16;
    } else if (type.equals(DataTypes.ByteType)) {
      return MatrixParquetWriter.IdType.INT8;
    } else if (type.equals(DataTypes.StringType)) {
      return MatrixParquetWriter.IdType.STRING;
    }
    return MatrixParquetWriter.IdType.BINARY;
  }

  /**
   * After the job: removes what failed attempts left, and marks success as Spark does (not in a
   * table, whose files are those its commit names).
   */
  void finish(String dir, Configuration hadoop) throws IOException {
    Path path = new Path(dir);
    FileSystem fs = path.getFileSystem(hadoop);
    for (FileStatus file : fs.listStatus(path)) {
      if (isTemporary(file.getPath().getName())) {
        fs.delete(file.getPath(), false);
      }
    }
    if (!tableFiles) {
      fs.create(new Path(path, "_SUCCESS"), true).close();
    }
  }
}
