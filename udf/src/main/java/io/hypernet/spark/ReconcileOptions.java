package io.hypernet.spark;

import io.hypernet.config.HypernetConfig;
import io.hypernet.config.SizeLimits;
import io.hypernet.engine.EngineKind;
import java.io.Serializable;
import java.util.Objects;

/**
 * How to reconcile: engine, batch size, grouping by configuration, the input column names and
 * the largest hypernet allowed. Start from {@link #defaults()}; the {@code with} methods return
 * modified copies.
 *
 * @param idColumn null where rows need none ({@link Hypernets#withW})
 * @param maxWeightsBytes the largest hypernet (weights and biases, in bytes) a configuration may
 *     have; 0 means a quarter of this JVM's heap ({@link SizeLimits#forThisJvm})
 */
public record ReconcileOptions(EngineKind engine, int batchSize, String idColumn,
    String configColumn, String wColumn, ConfigGrouping grouping, long maxWeightsBytes)
    implements Serializable {
  /** Rows per engine call; at n·D=4096 a batch of W is 16 MiB. */
  public static final int DEFAULT_BATCH_SIZE = 1024;
  /**
   * Cap on each per-batch buffer (w, the hidden layer, W) in floats: 64 MiB. A wide w, a large
   * hidden_dim or a large n·D shrinks the batch, down to one row, instead of exhausting the heap.
   */
  public static final long MAX_BATCH_BUFFER_FLOATS = 16L << 20;

  /** Sorting within partitions costs little and bounds the loads per task (BENCHMARKS.md). */
  public static final ConfigGrouping DEFAULT_GROUPING = ConfigGrouping.SORT;

  public ReconcileOptions {
    Objects.requireNonNull(engine, "engine");
    Objects.requireNonNull(grouping, "grouping");
    if (batchSize <= 0) {
      throw new IllegalArgumentException("batch size must be > 0, got " + batchSize);
    }
    if (maxWeightsBytes < 0) {
      throw new IllegalArgumentException("max weights bytes must be >= 0, got "
          + maxWeightsBytes);
    }
  }

  public static ReconcileOptions defaults() {
    return new ReconcileOptions(EngineKind.AUTO, DEFAULT_BATCH_SIZE, "id", "config_id", "w",
        DEFAULT_GROUPING, 0);
  }

  public ReconcileOptions withEngine(EngineKind value) {
    return new ReconcileOptions(value, batchSize, idColumn, configColumn, wColumn, grouping,
        maxWeightsBytes);
  }

  public ReconcileOptions withBatchSize(int value) {
    return new ReconcileOptions(engine, value, idColumn, configColumn, wColumn, grouping,
        maxWeightsBytes);
  }

  /** The input's column names; the id is null where rows need none ({@link Hypernets#withW}). */
  public ReconcileOptions withColumns(String id, String configId, String w) {
    return new ReconcileOptions(engine, batchSize, id, configId, w, grouping, maxWeightsBytes);
  }

  public ReconcileOptions withGrouping(ConfigGrouping value) {
    return new ReconcileOptions(engine, batchSize, idColumn, configColumn, wColumn, value,
        maxWeightsBytes);
  }

  /** The largest hypernet a configuration may have, in bytes; 0: a quarter of the heap. */
  public ReconcileOptions withMaxWeightsBytes(long value) {
    return new ReconcileOptions(engine, batchSize, idColumn, configColumn, wColumn, grouping,
        value);
  }

  /**
   * The batch size for one configuration: shrunk so that none of its buffers (batch × l,
   * batch × hidden_dim, batch × n·D floats) exceeds {@link #MAX_BATCH_BUFFER_FLOATS}, and never
   * below one row, which is always computed.
   */
  public int batchSizeFor(HypernetConfig config) {
    long widest = Math.max(Math.max(config.l(), config.hiddenDim()), (long) config.outputSize());
    return (int) Math.max(1, Math.min(batchSize, MAX_BATCH_BUFFER_FLOATS / widest));
  }

  /** The size limits configurations are validated against. */
  public SizeLimits sizeLimits() {
    return maxWeightsBytes > 0 ? new SizeLimits(maxWeightsBytes) : SizeLimits.forThisJvm();
  }
}
