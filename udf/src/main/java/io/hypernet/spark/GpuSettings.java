package io.hypernet.spark;

import org.apache.spark.SparkConf;
import org.apache.spark.SparkEnv;

/**
 * The executor-side GPU settings, read from the Spark conf.
 *
 * @param concurrentTasks {@value #CONCURRENT_TASKS}: tasks of one executor JVM that may use one
 *     GPU at once (default 2: one computing while another copies its batch in or out — the host
 *     copy, not the math, is the slow part — as spark-rapids' concurrentGpuTasks does; 1 when
 *     device memory is tight)
 * @param memoryFraction {@value #MEMORY_FRACTION}: the share of the device's free memory that the
 *     batches of those tasks may take together (default 0.5, leaving room for PyTorch's
 *     allocator, the loaded hypernets and other processes on the device)
 */
record GpuSettings(int concurrentTasks, double memoryFraction) {
  static final String CONCURRENT_TASKS = "spark.hypernet.gpu.concurrentTasks";
  static final String MEMORY_FRACTION = "spark.hypernet.gpu.memoryFraction";
  static final GpuSettings DEFAULTS = new GpuSettings(2, 0.5);

  GpuSettings {
    if (concurrentTasks < 1) {
      throw new IllegalArgumentException(CONCURRENT_TASKS + " must be >= 1, got "
          + concurrentTasks);
    }
    if (!(memoryFraction > 0 && memoryFraction <= 1)) {
      throw new IllegalArgumentException(MEMORY_FRACTION + " must be in (0, 1], got "
          + memoryFraction);
    }
  }

  /** This executor's settings; the defaults outside Spark. */
  static GpuSettings current() {
    SparkEnv env = SparkEnv.get();
    return env == null ? DEFAULTS : of(env.conf());
  }

  static GpuSettings of(SparkConf conf) {
    try {
      return new GpuSettings(
          Integer.parseInt(conf.get(CONCURRENT_TASKS, "" + DEFAULTS.concurrentTasks).trim()),
          Double.parseDouble(conf.get(MEMORY_FRACTION, "" + DEFAULTS.memoryFraction).trim()));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not a number in " + CONCURRENT_TASKS + " or "
          + MEMORY_FRACTION + ": " + e.getMessage(), e);
    }
  }
}
