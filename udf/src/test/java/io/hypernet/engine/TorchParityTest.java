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
 * the way a configuration's weights file is, against the W PyTorch computed.
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
