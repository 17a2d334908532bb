package io.hypernet.job.run;

import io.hypernet.parquet.OutputCodecs;
import io.hypernet.job.io.OutputPublisher;
import io.hypernet.spark.ReconcileOptions;
import io.hypernet.table.TableTarget;
import java.util.List;
import java.util.Map;

/**
 * Everything one reconciliation run needs, as given on the command line, in four parts: where
 * the data is, how rows are reconciled, how the output is written, and what bad rows may do.
 *
 * @param maxWeightsBytes the per-configuration weight budget; 0 means the driver's default
 */
public record RunSettings(Paths paths, ReconcileOptions options, Output output, BadRows badRows,
    long maxWeightsBytes) {

  /**
   * The run's datasets.
   *
   * @param inputs what {@code spark.read.parquet} is given: paths and globs, one dataset
   * @param configColumns the configurations table's name of each column named differently
   * @param output the output directory; null when the rows go to a table
   * @param rejects where rejected rows go; null means {@code <output>/_rejects}; checked against
   *     the other paths by {@link io.hypernet.job.io.PathGuard}. With a table, each run's rejects
   *     go to {@code <rejects>/<run id>}
   */
  public record Paths(List<String> inputs, String configs, Map<String, String> configColumns,
      String output, String rejects) {
    public Paths {
      inputs = List.copyOf(inputs);
      configColumns = Map.copyOf(configColumns);
      if (inputs.isEmpty()) {
        throw new IllegalArgumentException("at least one input path is needed");
      }
    }
  }

  /**
   * How the output is written and published.
   *
   * @param compression the output's codecs: the key columns' and W's with the bulk writer;
   *     Spark's writer has one codec for every column, the keys' (the rejects use Spark's default)
   * @param maxRowsPerFile each output file holds at most this many rows; 0: no limit (one file
   *     per partition)
   * @param table the Iceberg or Delta table to commit the rows to, with its own mode; null: the rows go
   *     to the {@link Paths#output()} directory, published as {@code mode} says
   */
  public record Output(OutputPublisher.Mode mode, Writer writer, OutputCodecs compression,
      long maxRowsPerFile, TableTarget table) {
    /** 1 GiB files at the default sizes (n·D = 4096 floats: 16 KiB of W per row). */
    public static final long DEFAULT_MAX_ROWS_PER_FILE = 65_536;

    /** Replaces an existing output, with the default file size. */
    public static Output overwriting(Writer writer, OutputCodecs compression) {
      return new Output(OutputPublisher.Mode.OVERWRITE, writer, compression,
          DEFAULT_MAX_ROWS_PER_FILE, null);
    }
  }

  /**
   * What bad rows may do.
   *
   * @param failOnBadRow fail (exit 3, nothing published) when any row was rejected or an id
   *     occurs twice in a configuration
   * @param maxRejectFraction fail (exit 3) when rejected/in exceeds it; 1.0 never fails
   */
  public record BadRows(boolean failOnBadRow, double maxRejectFraction) {
    /** Every bad row goes to the rejects and the run succeeds. */
    public static final BadRows REJECT = new BadRows(false, 1.0);
  }

  /** The same run, committing its rows to {@code table} instead of a directory. */
  public RunSettings intoTable(TableTarget table) {
    Output into = new Output(output.mode(), output.writer(), output.compression(),
        output.maxRowsPerFile(), table);
    return new RunSettings(paths, options, into, badRows, maxWeightsBytes);
  }

  /** The output writer: the project's bulk writer, or Spark's stock one (same files). */
  public enum Writer { BULK, SPARK }
}
