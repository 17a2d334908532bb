package io.hypernet.job.run;

import io.hypernet.io.OutputCodecs;
import io.hypernet.job.io.OutputPublisher;
import io.hypernet.spark.ReconcileOptions;

/**
 * Everything one reconciliation run needs, as given on the command line.
 *
 * @param rejects where rejected rows go; null means {@code <output>/_rejects}; checked against
 *     the other paths by {@link io.hypernet.job.io.PathGuard}
 * @param maxRejectFraction fail (exit 3) when rejected/in exceeds it; 1.0 never fails
 * @param failOnBadRow fail (exit 3, nothing published) when any row was rejected or an id occurs
 *     twice in a configuration
 * @param maxWeightsBytes the per-configuration weight budget; 0 means the driver's default
 * @param writer how the output Parquet is written
 * @param compression the output's codecs: the key columns' and W's with the bulk writer; Spark's
 *     writer has one codec for every column, the keys' (the rejects use Spark's default)
 */
public record RunSettings(
    String input,
    String configs,
    String output,
    String rejects,
    ReconcileOptions options,
    OutputPublisher.Mode mode,
    boolean failOnBadRow,
    double maxRejectFraction,
    long maxWeightsBytes,
    Writer writer,
    OutputCodecs compression) {

  /** The output writer: the project's bulk writer, or Spark's stock one (same files). */
  public enum Writer { BULK, SPARK }
}
