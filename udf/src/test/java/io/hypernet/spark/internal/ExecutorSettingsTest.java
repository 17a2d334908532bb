package io.hypernet.spark.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hypernet.spark.internal.gpu.GpuSettings;
import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;

class ExecutorSettingsTest {
  private static final long HEAP = 8L << 30;

  @Test
  void defaultsOutsideAnySetting() {
    ExecutorSettings settings = ExecutorSettings.of(new SparkConf(false), HEAP);
    assertEquals(2L << 30, settings.cacheMaxBytes(), "a quarter of the heap");
    assertEquals(new GpuSettings(2, 0.5), settings.gpu());
    assertNull(settings.testFaults());
  }

  @Test
  void theCacheBoundComesFromSparkConf() {
    assertEquals(4L << 30, ExecutorSettings.of(new SparkConf(false)
        .set(ExecutorSettings.CACHE_FRACTION, "0.5"), HEAP).cacheMaxBytes());
    assertEquals(300L << 20, ExecutorSettings.of(new SparkConf(false)
        .set(ExecutorSettings.CACHE_FRACTION, "0.5")
        .set(ExecutorSettings.CACHE_MAX_BYTES, "300m"), HEAP).cacheMaxBytes());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ExecutorSettings.of(new SparkConf(false)
            .set(ExecutorSettings.CACHE_FRACTION, "1.5"), HEAP));
    assertTrue(e.getMessage().contains(ExecutorSettings.CACHE_FRACTION), e.getMessage());
  }

  @Test
  void gpuSettingsComeFromSparkConf() {
    assertEquals(new GpuSettings(1, 0.8), ExecutorSettings.of(new SparkConf(false)
        .set(ExecutorSettings.GPU_CONCURRENT_TASKS, " 1")
        .set(ExecutorSettings.GPU_MEMORY_FRACTION, "0.8"), HEAP).gpu());
  }

  @Test
  void badValuesNameTheirKey() {
    for (String[] bad : new String[][] {{ExecutorSettings.GPU_CONCURRENT_TASKS, "0"},
        {ExecutorSettings.GPU_CONCURRENT_TASKS, "two"},
        {ExecutorSettings.GPU_CONCURRENT_TASKS, "1.5"},
        {ExecutorSettings.GPU_MEMORY_FRACTION, "1.5"},
        {ExecutorSettings.GPU_MEMORY_FRACTION, "0"}}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> ExecutorSettings.of(new SparkConf(false).set(bad[0], bad[1]), HEAP));
      assertTrue(e.getMessage().contains(bad[0]), e.getMessage());
    }
  }

  @Test
  void readOncePerSparkEnvironment() {
    // Outside Spark (no SparkEnv) the defaults are read once and the same object comes back.
    assertTrue(ExecutorSettings.current() == ExecutorSettings.current());
  }
}
