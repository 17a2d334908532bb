package io.hypernet.spark.internal.gpu;

/**
 * How tasks of one executor share its GPU (read from the Spark conf and checked with the other
 * executor settings, one package up).
 *
 * @param concurrentTasks tasks of one executor JVM that may use one GPU at once (default 2: one
 *     computing while another copies its batch in or out — the host copy, not the math, is the
 *     slow part — as spark-rapids' concurrentGpuTasks does; 1 when device memory is tight)
 * @param memoryFraction the share of the device's free memory that the batches of those tasks
 *     may take together (default 0.5, leaving room for PyTorch's allocator, the loaded hypernets
 *     and other processes on the device)
 */
public record GpuSettings(int concurrentTasks, double memoryFraction) {
  public static final GpuSettings DEFAULTS = new GpuSettings(2, 0.5);
}
