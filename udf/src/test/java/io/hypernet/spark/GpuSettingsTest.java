package io.hypernet.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;

class GpuSettingsTest {

  @Test
  void readsTheSparkConfWithDefaults() {
    assertEquals(new GpuSettings(2, 0.5), GpuSettings.of(new SparkConf(false)));
    assertEquals(new GpuSettings(1, 0.8), GpuSettings.of(new SparkConf(false)
        .set(GpuSettings.CONCURRENT_TASKS, " 1").set(GpuSettings.MEMORY_FRACTION, "0.8")));
  }

  @Test
  void badValuesNameTheirKey() {
    IllegalArgumentException zero = assertThrows(IllegalArgumentException.class,
        () -> GpuSettings.of(new SparkConf(false).set(GpuSettings.CONCURRENT_TASKS, "0")));
    assertTrue(zero.getMessage().contains("spark.hypernet.gpu.concurrentTasks"), zero.getMessage());
    IllegalArgumentException fraction = assertThrows(IllegalArgumentException.class,
        () -> GpuSettings.of(new SparkConf(false).set(GpuSettings.MEMORY_FRACTION, "1.5")));
    assertTrue(fraction.getMessage().contains("spark.hypernet.gpu.memoryFraction"),
        fraction.getMessage());
    IllegalArgumentException text = assertThrows(IllegalArgumentException.class,
        () -> GpuSettings.of(new SparkConf(false).set(GpuSettings.CONCURRENT_TASKS, "two")));
    assertTrue(text.getMessage().contains("spark.hypernet.gpu.concurrentTasks"), text.getMessage());
  }
}
