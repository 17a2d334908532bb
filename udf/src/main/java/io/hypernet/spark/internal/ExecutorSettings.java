package io.hypernet.spark.internal;

import io.hypernet.spark.internal.gpu.GpuSettings;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkEnv;

/**
 * Every {@code spark.hypernet.*} setting the executors read, declared here and read once per
 * Spark environment (an executor JVM, or each SparkContext of a local JVM), not per task or row.
 *
 * @param cacheMaxBytes the bound of the executor's hypernet cache ({@link #CACHE_MAX_BYTES}, else
 *     {@link #CACHE_FRACTION} of the heap)
 * @param gpu the GPU sharing settings ({@link #GPU_CONCURRENT_TASKS}, {@link #GPU_MEMORY_FRACTION})
 * @param testFaults {@link #TEST_FAULTS}, null unless a test set it ({@link TestHooks})
 */
public record ExecutorSettings(long cacheMaxBytes, GpuSettings gpu, String testFaults) {
  /** The cache's bound in bytes (e.g. {@code 1g}); overrides the fraction. */
  public static final String CACHE_MAX_BYTES = "spark.hypernet.executor.cache.maxBytes";
  /** The cache's bound as a fraction of the executor's maximum heap. */
  public static final String CACHE_FRACTION = "spark.hypernet.executor.cache.fraction";
  public static final double DEFAULT_CACHE_FRACTION = 0.25;
  /** Tasks of one executor JVM that may use one GPU at once ({@link GpuSettings}). */
  public static final String GPU_CONCURRENT_TASKS = "spark.hypernet.gpu.concurrentTasks";
  /** The share of the device's free memory the batches of those tasks may take together. */
  public static final String GPU_MEMORY_FRACTION = "spark.hypernet.gpu.memoryFraction";
  /** Test-only: the task faults {@link TestHooks#taskFault} injects. */
  public static final String TEST_FAULTS = "spark.hypernet.test.faults";

  /** The settings last read, with the environment they were read from. */
  private record Read(SparkEnv env, ExecutorSettings settings) {}

  private static volatile Read last = new Read(null, null);

  /** This JVM's settings: from the running Spark environment, the defaults outside Spark. */
  public static ExecutorSettings current() {
    SparkEnv env = SparkEnv.get();
    Read read = last;
    if (read.settings() == null || read.env() != env) {
      read = new Read(env, env == null ? of(new SparkConf(false), maxHeap())
          : of(env.conf(), maxHeap()));
      last = read;
    }
    return read.settings();
  }

  /** @throws IllegalArgumentException naming the setting that holds a bad value */
  public static ExecutorSettings of(SparkConf conf, long maxHeap) {
    long cacheMaxBytes;
    if (conf.contains(CACHE_MAX_BYTES)) {
      cacheMaxBytes = conf.getSizeAsBytes(CACHE_MAX_BYTES);
    } else {
      double fraction = number(conf, CACHE_FRACTION, DEFAULT_CACHE_FRACTION);
      if (!(fraction >= 0 && fraction <= 1)) {
        throw new IllegalArgumentException(CACHE_FRACTION + " must be in [0, 1], got "
            + fraction);
      }
      cacheMaxBytes = (long) (fraction * maxHeap);
    }
    double tasks = number(conf, GPU_CONCURRENT_TASKS, GpuSettings.DEFAULTS.concurrentTasks());
    if (tasks < 1 || tasks != Math.rint(tasks)) {
      throw new IllegalArgumentException(GPU_CONCURRENT_TASKS + " must be a whole number >= 1, "
          + "got " + conf.get(GPU_CONCURRENT_TASKS));
    }
    double memory = number(conf, GPU_MEMORY_FRACTION, GpuSettings.DEFAULTS.memoryFraction());
    if (!(memory > 0 && memory <= 1)) {
      throw new IllegalArgumentException(GPU_MEMORY_FRACTION + " must be in (0, 1], got "
          + memory);
    }
    return new ExecutorSettings(cacheMaxBytes, new GpuSettings((int) tasks, memory),
        conf.get(TEST_FAULTS, null));
  }

  private static double number(SparkConf conf, String key, double defaultValue) {
    String value = conf.get(key, null);
    try {
      return value == null ? defaultValue : Double.parseDouble(value.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " is not a number: '" + value + "'", e);
    }
  }

  private static long maxHeap() {
    return Runtime.getRuntime().maxMemory();
  }
}
