package io.hypernet.engine;

import io.hypernet.testing.TorchFixtures;
import io.hypernet.testing.TorchFixtures.Case;
import io.hypernet.testing.TorchParity;
import io.hypernet.weights.HypernetWeights;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Both engines on hypernets real PyTorch built, imported from their state dicts in every dtype
 * the way a configuration's weights file is, and made from the same torch seed by
 * {@code init=torch}, against the W PyTorch computed.
 */
class TorchParityTest {
  private static ReconciliationEngine jvm;
  private static ReconciliationEngine djl;
  private static final TorchParity JVM = new TorchParity("engine jvm");
  private static final TorchParity DJL = new TorchParity("engine djl");

  @BeforeAll
  static void openEngines() {
    jvm = Engines.open(EngineKind.JVM, -1);
    djl = Engines.open(EngineKind.DJL, -1);
  }

  @AfterAll
  static void closeEngines() {
    JVM.log();
    DJL.log();
    jvm.close();
    djl.close();
  }

  static Stream<Arguments> stateDicts() {
    return TorchFixtures.cases().stream()
        .flatMap(c -> TorchFixtures.DTYPES.stream().map(dtype -> Arguments.of(c, dtype)));
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("stateDicts")
  void enginesGivePyTorchsW(Case c, String dtype) {
    HypernetWeights weights = HypernetWeights.imported(c.config(), c.stateDict(dtype));
    float[] torchW = c.torchW(dtype);
    check(weights, c, dtype, jvm, JVM, torchW);
    check(weights, c, dtype, djl, DJL, torchW);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("io.hypernet.testing.TorchFixtures#cases")
  void enginesGivePyTorchsWFromTheTorchSeed(Case c) {
    HypernetWeights weights = HypernetWeights.seeded(c.torchInit());
    float[] torchW = c.torchW(TorchFixtures.INIT_TORCH);
    check(weights, c, TorchFixtures.INIT_TORCH, jvm, JVM, torchW);
    check(weights, c, TorchFixtures.INIT_TORCH, djl, DJL, torchW);
  }

  private static void check(HypernetWeights weights, Case c, String dtype,
      ReconciliationEngine engine, TorchParity parity, float[] torchW) {
    float[] out = new float[c.rows() * c.outputSize()];
    try (BatchReconciler reconciler = engine.load(weights)) {
      reconciler.reconcile(c.w(), c.rows(), out);
    }
    for (int r = 0; r < c.rows(); r++) {
      parity.check(c, dtype, r, out, r * c.outputSize(), torchW);
    }
  }
}
