package io.hypernet.engine;

import io.hypernet.config.HypernetConfig;

/**
 * How many rows of one configuration a GPU task may put on the device per engine call: its share
 * of the device's free memory, {@code free × fraction / concurrentTasks}, divided by the device
 * bytes one row needs, and never more than the host-side batch size nor less than one row.
 *
 * <p>A row needs {@code 4 × (l + 2·hidden_dim + n·D)} bytes: its w, the hidden layer twice (the
 * GEMM result and, with an activation, the activation's new tensor) and its W. The weights
 * themselves were already loaded when the free memory is read, so they are not counted again.
 */
public final class DeviceBatchRule {
  private DeviceBatchRule() {}

  /** Device bytes one row of {@code config} occupies during an engine call. */
  public static long bytesPerRow(HypernetConfig config) {
    return (long) Float.BYTES * (config.l() + 2L * config.hiddenDim() + config.outputSize());
  }

  /**
   * @param freeBytes the device's free memory now
   * @param fraction the share of it batches may use, in (0, 1]
   * @param concurrentTasks tasks that may use the device at once (the GPU semaphore's permits)
   * @param hostRows the host-side batch size for this configuration (the upper bound)
   */
  public static int rows(long freeBytes, double fraction, int concurrentTasks,
      HypernetConfig config, int hostRows) {
    if (!(fraction > 0 && fraction <= 1) || concurrentTasks < 1 || hostRows < 1) {
      throw new IllegalArgumentException("fraction " + fraction + " must be in (0, 1], "
          + "concurrent tasks " + concurrentTasks + " and host rows " + hostRows + " >= 1");
    }
    double share = Math.max(0, freeBytes) * fraction / concurrentTasks;
    long rows = (long) (share / bytesPerRow(config));
    return (int) Math.max(1, Math.min(hostRows, rows));
  }
}
