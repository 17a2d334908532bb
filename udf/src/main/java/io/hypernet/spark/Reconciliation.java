package io.hypernet.spark;

import io.hypernet.config.InvalidConfig;
import io.hypernet.parquet.OutputCodecs;
import io.hypernet.spark.internal.InternalFrames;
import io.hypernet.spark.internal.WriteAttempts;
import io.hypernet.table.DeltaTables;
import io.hypernet.table.DeltaTarget;
import io.hypernet.table.IcebergTables;
import io.hypernet.table.IcebergTarget;
import io.hypernet.table.TableCommit;
import io.hypernet.table.TableTarget;
import io.hypernet.table.TableWrite;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lazily evaluated results of a reconciliation; every input row lands in exactly one of the
 * reconciled rows or the rejected rows. The reconciled rows can be consumed as a Dataset (any
 * Spark sink) or written by the bulk writer: to a directory ({@link #writeParquet}) or an
 * Iceberg or Delta table ({@link #writeTable}).
 *
 * <p>Lifetime: the datasets read the hypernets' recipes from a broadcast that {@link #close}
 * destroys. Close it after the last action on them (try-with-resources around the writes); an
 * unclosed one is released by Spark's cleaner once the datasets are unreachable.
 */
public final class Reconciliation implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Reconciliation.class);
  /** How long the write waits for its killed attempts to end before tidying its directory. */
  private static final long ATTEMPTS_END_MILLIS = 60_000;
  private final Dataset<Row> reconciled;
  private final Dataset<Row> rejected;
  private final ReconcileMetrics metrics;
  private final RDD<InternalRow> classifiedRows;
  private final MatrixParquetSinkFactory sinks;
  private final SparkSession spark;
  /** config_id, id: what the bulk writer hands out per row written. */
  private final StructType keySchema;
  private final HypernetCatalog catalog;

  /** Builds the sink for a directory and codecs; keeps what the sink needs out of this API. */
  interface MatrixParquetSinkFactory {
    MatrixParquetSink create(String dir, OutputCodecs codecs, Configuration hadoop);
  }

  Reconciliation(Dataset<Row> reconciled, Dataset<Row> rejected, ReconcileMetrics metrics,
      RDD<InternalRow> classifiedRows, MatrixParquetSinkFactory sinks, SparkSession spark,
      StructType keySchema, HypernetCatalog catalog) {
    this.reconciled = reconciled;
    this.rejected = rejected;
    this.metrics = metrics;
    this.classifiedRows = classifiedRows;
    this.sinks = sinks;
    this.spark = spark;
    this.keySchema = keySchema;
    this.catalog = catalog;
  }

  /** The configurations that were invalid, with their reasons (their rows are rejected). */
  public List<InvalidConfig> invalidConfigs() {
    return catalog.invalidConfigs();
  }

  /** Valid and invalid configurations together. */
  public int configurations() {
    return catalog.validConfigs().size() + catalog.invalidConfigs().size();
  }

  /** Releases the broadcast recipes; the datasets cannot be evaluated afterwards. */
  @Override
  public void close() {
    catalog.close();
  }

  /** {@code id, config_id, n, D, W} (REFERENCE.md, "Output layout"). */
  public Dataset<Row> reconciled() {
    return reconciled;
  }

  /**
   * The input columns plus {@code reason} and {@code reason_detail}; an input column already
   * named like those is renamed {@code input_<name>} ({@link RejectColumns}). Evaluating it reads
   * the input again: after writing the reconciled rows, {@code metrics().rowsRejected() == 0}
   * tells that it is empty without that pass.
   */
  public Dataset<Row> rejected() {
    return rejected;
  }

  /** Engines used and rows computed, filled in as the results are evaluated. */
  public ReconcileMetrics metrics() {
    return metrics;
  }

  /**
   * Computes and writes the reconciled rows to {@code dir} as Parquet (the same schema as
   * {@link #reconciled()}), one file per partition or one every {@code maxRowsPerFile} rows of
   * it (0: no limit), plus {@code _SUCCESS}; in the same Spark job
   * counts what was written from the key of every row.
   */
  public WrittenRows writeParquet(String dir, OutputCodecs codecs, long maxRowsPerFile,
      Configuration hadoop) throws IOException {
    return write(sinks.create(dir, codecs, hadoop).rollingEvery(maxRowsPerFile), dir, hadoop);
  }

  /**
   * Starts a write into an Iceberg or Delta table (created if missing, checked if not) before
   * any row is computed; see {@link #writeParquet(TableWrite, OutputCodecs, long, Configuration)}.
   *
   * @param runId names this run's data directory in the table
   * @throws IllegalArgumentException when the table or the mode refuses the write
   * @throws UnsupportedOperationException for Iceberg on a Spark line without an Iceberg runtime
   *     (4.2)
   */
  public TableWrite beginTable(TableTarget target, String runId, Configuration hadoop) {
    return target instanceof DeltaTarget delta
        ? DeltaTables.begin(delta, reconciled.schema(), runId, hadoop)
        : IcebergTables.begin((IcebergTarget) target, reconciled.schema(), runId, hadoop);
  }

  /**
   * Computes and writes the reconciled rows as the table's data files, one configuration per
   * file, without committing them: {@link TableWrite#commit} does, or closing the write
   * removes them. Counts what was written as {@link #writeParquet(String, OutputCodecs, long,
   * Configuration)} does.
   */
  public WrittenRows writeParquet(TableWrite table, OutputCodecs codecs, long maxRowsPerFile,
      Configuration hadoop) throws IOException {
    return write(sinks.create(table.dataDirectory(), codecs, hadoop)
        .rollingEvery(maxRowsPerFile).forTable(table.fieldIds()), table.dataDirectory(), hadoop);
  }

  /**
   * Computes, writes and commits the reconciled rows into an Iceberg or Delta table in one
   * commit (snapshot, version) whose summary carries {@code hypernet.run-id} and {@code
   * hypernet.rows-written}; on a failure nothing is committed and the run's files are removed.
   */
  public TableCommit writeTable(TableTarget target, OutputCodecs codecs, long maxRowsPerFile,
      Configuration hadoop) throws IOException {
    String runId = spark.sparkContext().applicationId() + "-"
        + UUID.randomUUID().toString().substring(0, 8);
    try (TableWrite table = beginTable(target, runId, hadoop)) {
      WrittenRows written = writeParquet(table, codecs, maxRowsPerFile, hadoop);
      return table.commit(Map.of("hypernet.run-id", runId,
          "hypernet.rows-written", Long.toString(written.total())));
    }
  }

  private WrittenRows write(MatrixParquetSink sink, String dir, Configuration hadoop)
      throws IOException {
    RDD<InternalRow> keys = classifiedRows.toJavaRDD().mapPartitions(sink).rdd();
    WriteAttempts attempts = new WriteAttempts();
    spark.sparkContext().addSparkListener(attempts);
    try {
      WrittenRows written;
      try {
        written = attempts.run(spark.sparkContext(), () -> WrittenRows.count(
            InternalFrames.of(spark, keys, keySchema), keySchema.fieldNames()[0],
            keySchema.fieldNames()[1]));
      } catch (RuntimeException e) {
        // A failed job's other tasks may still be writing: let them end before the caller
        // removes the files, or one could write into a directory already removed.
        attempts.awaitStartedAttempts(ATTEMPTS_END_MILLIS);
        throw e;
      }
      int stillRunning = attempts.awaitEnd(ATTEMPTS_END_MILLIS);
      if (stillRunning != 0) {
        LOG.warn("{} attempt(s) of the write to {} still running after {} ms; tidying anyway",
            stillRunning < 0 ? "some" : stillRunning, dir, ATTEMPTS_END_MILLIS);
      }
      sink.finish(dir, hadoop);
      return written;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted writing " + dir);
    } finally {
      spark.sparkContext().removeSparkListener(attempts);
    }
  }
}
