package io.hypernet.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.hypernet.config.Activation;
import io.hypernet.config.HypernetConfig;
import io.hypernet.config.TestConfigs;
import org.junit.jupiter.api.Test;

/** The device batch rule as a pure function: no GPU needed. */
class DeviceBatchRuleTest {
  /**
   * The sample's default sizes l=64, hidden=128, n·D=32·128: 4·(64 + 256 + 4096) = 17,664
   * bytes/row.
   */
  private static final HypernetConfig DEFAULT =
      TestConfigs.config("c", 64, 32, 128, 128, 1L, Activation.NONE);
  private static final long GIB = 1L << 30;

  @Test
  void aRowCountsItsWTheHiddenLayerTwiceAndItsW() {
    assertEquals(17_664, DeviceBatchRule.bytesPerRow(DEFAULT));
  }

  @Test
  void aLargeFreeDeviceLeavesTheHostBatchAsItIs() {
    assertEquals(1024, DeviceBatchRule.rows(70 * GIB, 0.5, 2, DEFAULT, 1024));
  }

  @Test
  void aSmallDeviceShareCutsTheBatch() {
    // 100 MiB × 0.5 / 2 tasks = 25 MiB per task, / 17,664 bytes = 1484 rows.
    assertEquals(1484, DeviceBatchRule.rows(100L << 20, 0.5, 2, DEFAULT, 4096));
    assertEquals(742, DeviceBatchRule.rows(100L << 20, 0.5, 4, DEFAULT, 4096));
    assertEquals(2968, DeviceBatchRule.rows(100L << 20, 1.0, 2, DEFAULT, 4096));
  }

  @Test
  void neverBelowOneRowEvenWhenTheDeviceIsFull() {
    assertEquals(1, DeviceBatchRule.rows(0, 0.5, 2, DEFAULT, 1024));
    assertEquals(1, DeviceBatchRule.rows(-5, 0.5, 2, DEFAULT, 1024));
  }

  @Test
  void settingsOutOfRangeAreRefused() {
    assertThrows(IllegalArgumentException.class,
        () -> DeviceBatchRule.rows(GIB, 0, 2, DEFAULT, 1024));
    assertThrows(IllegalArgumentException.class,
        () -> DeviceBatchRule.rows(GIB, 0.5, 0, DEFAULT, 1024));
  }
}
