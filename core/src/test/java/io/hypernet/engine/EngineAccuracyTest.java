package io.hypernet.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hypernet.config.Activation;
import io.hypernet.config.HypernetConfig;
import io.hypernet.config.TestConfigs;
import io.hypernet.testing.Float64Reference;
import io.hypernet.weights.HypernetWeights;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Both engines against the float64 reference, on varied shapes and both activations. */
class EngineAccuracyTest {
  private static ReconciliationEngine djl;
  private static ReconciliationEngine jvm;

  @BeforeAll
  static void openEngines() {
    djl = Engines.open(EngineKind.DJL, -1);
    jvm = Engines.open(EngineKind.JVM, -1);
  }

  @AfterAll
  static void closeEngines() {
    djl.close();
    jvm.close();
  }

  static Stream<Arguments> shapes() {
    Random random = new Random(2024);
    Stream.Builder<Arguments> cases = Stream.builder();
    for (Activation act : Activation.values()) {
      cases.add(Arguments.of(64, 32, 128, 128, act, 17));
      cases.add(Arguments.of(1, 1, 1, 1, act, 1));
      for (int i = 0; i < 4; i++) {
        cases.add(Arguments.of(1 + random.nextInt(80), 1 + random.nextInt(20),
            1 + random.nextInt(70), 1 + random.nextInt(200), act, 1 + random.nextInt(40)));
      }
    }
    return cases.build();
  }

  @ParameterizedTest(name = "l={0} n={1} D={2} hidden={3} {4} rows={5}")
  @MethodSource("shapes")
  void enginesMatchFloat64Reference(int l, int n, int d, int hidden, Activation act, int rows) {
    HypernetConfig config = TestConfigs.config("c", l, n, d, hidden, l * 31L + n, act);
    HypernetWeights weights = HypernetWeights.seeded(config);
    Random random = new Random(l + 7L * d);
    // Longer than needed: engines must honour `rows`, not the array length.
    float[] w = new float[(rows + 3) * l];
    for (int i = 0; i < w.length; i++) {
      w[i] = (float) (random.nextGaussian() * 2);
    }
    for (ReconciliationEngine engine : new ReconciliationEngine[] {djl, jvm}) {
      float[] out = new float[(rows + 2) * config.outputSize()];
      try (BatchReconciler reconciler = engine.load(weights)) {
        reconciler.reconcile(w, rows, out);
      }
      for (int r = 0; r < rows; r++) {
        float[] row = java.util.Arrays.copyOfRange(w, r * l, (r + 1) * l);
        double err = Float64Reference.relativeError(Float64Reference.evaluate(weights, row), out,
            r * config.outputSize());
        assertTrue(err <= Float64Reference.RELATIVE_TOLERANCE,
            engine.description() + " row " + r + " relative error " + err);
      }
    }
  }

  @Test
  void jvmEngineRowsDoNotDependOnTheirBatch() {
    HypernetWeights weights = HypernetWeights.seeded(
        TestConfigs.config("c", 64, 32, 128, 128, 3, Activation.SIGMOID));
    Random random = new Random(9);
    float[] w = new float[300 * 64];
    for (int i = 0; i < w.length; i++) {
      w[i] = (float) random.nextGaussian();
    }
    int size = weights.outputSize();
    try (BatchReconciler reconciler = jvm.load(weights)) {
      float[] whole = new float[300 * size];
      reconciler.reconcile(w, 300, whole);
      float[] single = new float[size];
      for (int r : new int[] {0, 1, 150, 299}) {
        reconciler.reconcile(java.util.Arrays.copyOfRange(w, r * 64, (r + 1) * 64), 1, single);
        for (int i = 0; i < size; i++) {
          assertEquals(Float.floatToIntBits(whole[r * size + i]), Float.floatToIntBits(single[i]),
              "row " + r + " element " + i + " differs between batch sizes 300 and 1");
        }
      }
    }
  }

  @Test
  void autoPicksTheVectorisedJvmKernelOnCpuAndGpuRequestsFallBackToCpu() {
    // The suite runs with jdk.incubator.vector, as bin/hypernet and conf/spark-defaults.conf do.
    assertTrue(FmaLayer.VECTORIZED, "tests must run the vector kernel");
    try (ReconciliationEngine auto = Engines.open(EngineKind.AUTO, -1)) {
      assertEquals("jvm/cpu", auto.description());
    }
    // No GPU here: a task given GPU 0 still runs, on the CPU.
    try (ReconciliationEngine djlOnGpu = Engines.open(EngineKind.DJL, 0)) {
      assertEquals("djl/cpu", djlOnGpu.description());
    }
    try (ReconciliationEngine autoOnGpu = Engines.open(EngineKind.AUTO, 0)) {
      assertEquals("jvm/cpu", autoOnGpu.description());
    }
  }

  @Test
  void descriptionsNameEngineAndDevice() {
    assertEquals("djl/cpu", djl.description());
    assertEquals("jvm/cpu", jvm.description());
  }

  @Test
  void onlyActivationFreeHypernetsAreFoldedAndOnlyWhenThatIsLessWork() {
    assertTrue(AffineFold.pays(weights(64, 32, 128, 128, Activation.NONE)));
    assertTrue(AffineFold.pays(weights(4, 2, 3, 128, Activation.NONE)));
    assertFalse(AffineFold.pays(weights(64, 32, 128, 128, Activation.SIGMOID)));
    // l·n·D = 262144 multiply-adds folded, hidden·(l + n·D) = 66560 unfolded.
    assertFalse(AffineFold.pays(weights(64, 32, 128, 16, Activation.NONE)));
  }

  /**
   * The folded layer is a different rounding of the same map: both within the tolerance of float64.
   */
  @Test
  void foldedAndTwoLayerResultsAgreeWithFloat64() {
    HypernetWeights weights = weights(64, 32, 128, 128, Activation.NONE);
    Random random = new Random(17);
    int rows = 50;
    float[] w = new float[rows * 64];
    for (int i = 0; i < w.length; i++) {
      w[i] = (float) (random.nextGaussian() * 3);
    }
    int size = weights.outputSize();
    float[] folded = new float[rows * size];
    float[] twoLayers = new float[rows * size];
    try (JvmEngine foldingEngine = new JvmEngine(true);
        JvmEngine plainEngine = new JvmEngine(false);
        BatchReconciler one = foldingEngine.load(weights);
        BatchReconciler two = plainEngine.load(weights)) {
      assertTrue(one.residentBytes() < two.residentBytes(), "one n·D×l layer, not two");
      one.reconcile(w, rows, folded);
      two.reconcile(w, rows, twoLayers);
    }
    assertFalse(java.util.Arrays.equals(folded, twoLayers), "the fold was taken");
    for (int r = 0; r < rows; r++) {
      double[] expected = Float64Reference.evaluate(weights,
          java.util.Arrays.copyOfRange(w, r * 64, (r + 1) * 64));
      for (float[] out : new float[][] {folded, twoLayers}) {
        double err = Float64Reference.relativeError(expected, out, r * size);
        assertTrue(err <= Float64Reference.RELATIVE_TOLERANCE, "row " + r + ": " + err);
      }
    }
  }

  private static HypernetWeights weights(int l, int n, int d, int hidden, Activation act) {
    return HypernetWeights.seeded(TestConfigs.config("f", l, n, d, hidden, 5, act));
  }
}
