package io.hypernet.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hypernet.config.Activation;
import io.hypernet.config.HypernetConfig;
import io.hypernet.config.TestConfigs;
import io.hypernet.spark.ReconcileOptions;
import io.hypernet.weights.HypernetWeights;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** What the JVM engine and the batching allocate is bounded by bytes, not only by rows. */
@Tag("spark-independent") // the same on every Spark line: runs on the default one
class LayerMemoryTest {

  @Test
  void everyBatchBufferIsCappedDownToOneRow() {
    ReconcileOptions options = ReconcileOptions.defaults();
    assertEquals(1024, options.batchSizeFor(config(64, 32, 128, 128)));
    // 16M floats per buffer: the widest of l, hidden_dim and n·D decides.
    assertEquals(5, options.batchSizeFor(config(3_000_000, 1, 1, 8)));
    assertEquals(5, options.batchSizeFor(config(1, 1, 1, 3_000_000)));
    assertEquals(4, options.batchSizeFor(config(1, 2048, 2048, 1)));
    assertEquals(2, options.batchSizeFor(config(1, 4096, 2048, 1)));
    assertEquals(1, options.batchSizeFor(config(1, 1 << 13, 1 << 13, 1)));
    assertEquals(1, options.batchSizeFor(config(20_000_000, 1, 1, 1)));
  }

  @Test
  void vectorPanelsArePaddedOnlyWhereThePaddingIsSmall() {
    assertTrue(FmaLayer.packingFits(64, 128));
    assertTrue(FmaLayer.packingFits(128, 4096));
    assertTrue(FmaLayer.packingFits(1000, 1), "4 MiB of panels are always fine");
    assertFalse(FmaLayer.packingFits(3_000_000, 8), "a wide w into 8 outputs stays scalar");
    assertFalse(FmaLayer.packingFits(3_000_000, 1));
    assertFalse(FmaLayer.packingFits(200_000_000, 1), "never an overflowing panel array");
  }

  @Test
  void foldingIsChosenOnlyWhenTheFoldedMatrixIsSmall() {
    assertTrue(AffineFold.pays(seeded(64, 32, 128, 128)));
    assertFalse(AffineFold.pays(seeded(64, 32, 128, 128, Activation.SIGMOID)));
    // l·n·D = 2^25 floats is less work than two layers at hidden 1024, but too large to compose.
    assertFalse(AffineFold.pays(seeded(2048, 128, 128, 1024)));
  }

  private static HypernetConfig config(int l, int n, int d, int hidden) {
    return TestConfigs.config("c", l, n, d, hidden, 1, Activation.NONE);
  }

  private static HypernetWeights seeded(int l, int n, int d, int hidden) {
    return seeded(l, n, d, hidden, Activation.NONE);
  }

  private static HypernetWeights seeded(int l, int n, int d, int hidden, Activation activation) {
    return HypernetWeights.seeded(TestConfigs.config("c", l, n, d, hidden, 1, activation));
  }
}
