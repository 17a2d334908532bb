package io.hypernet.weights;

import static io.hypernet.weights.SafetensorsFileTest.SOURCE;
import static io.hypernet.weights.SafetensorsFileTest.assertMessage;
import static io.hypernet.weights.SafetensorsWriter.le16;
import static io.hypernet.weights.SafetensorsWriter.le32;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hypernet.testing.SafetensorsBytes;
import io.hypernet.config.Activation;
import io.hypernet.config.HypernetConfig;
import io.hypernet.config.TestConfigs;
import io.hypernet.engine.BatchReconciler;
import io.hypernet.engine.EngineKind;
import io.hypernet.engine.Engines;
import io.hypernet.engine.ReconciliationEngine;
import io.hypernet.testing.Float64Reference;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Trained hypernets' weights (REFERENCE.md, "Trained hypernets"): tinyBIG state_dict layouts,
 * conversions and every refusal.
 */
class ImportedWeightsTest {
  private static final int L = 5;
  private static final int N = 3;
  private static final int D = 4;
  private static final int HIDDEN = 6;

  private static HypernetConfig config(Activation activation) {
    return TestConfigs.config("trained", L, N, D, HIDDEN, 0, activation);
  }

  private static float[] gaussian(int size, long seed) {
    Random random = new Random(seed);
    float[] values = new float[size];
    for (int i = 0; i < size; i++) {
      values[i] = (float) random.nextGaussian();
    }
    return values;
  }

  /** The state_dict tinyBIG saves: the second Linear is layer 2 behind nn.Sigmoid, else 1. */
  private static SafetensorsWriter stateDict(Activation activation, float[][] p) {
    String second = activation == Activation.SIGMOID ? "2" : "1";
    return new SafetensorsWriter()
        .f32("0.weight", p[0], HIDDEN, L)
        .f32("0.bias", p[1], HIDDEN)
        .f32(second + ".weight", p[2], N * D, HIDDEN)
        .f32(second + ".bias", p[3], N * D);
  }

  private static float[][] parameters(long seed) {
    return new float[][] {gaussian(HIDDEN * L, seed), gaussian(HIDDEN, seed + 1),
        gaussian(N * D * HIDDEN, seed + 2), gaussian(N * D, seed + 3)};
  }

  private static HypernetWeights imported(Activation activation, SafetensorsWriter writer) {
    return HypernetWeights.imported(config(activation),
        SafetensorsBytes.parse(writer.bytes(), SOURCE));
  }

  @ParameterizedTest
  @EnumSource(Activation.class)
  void importsTheTensorsOfEitherLayoutExactly(Activation activation) {
    float[][] p = parameters(11);
    HypernetWeights weights = imported(activation, stateDict(activation, p));
    assertEquals(config(activation), weights.config());
    assertEquals(activation, weights.activation());
    assertArrayEquals(p[0], weights.a1());
    assertArrayEquals(p[1], weights.b1());
    assertArrayEquals(p[2], weights.a2());
    assertArrayEquals(p[3], weights.b2());
  }

  /** Multiples of 1/8 up to 8 are exact in F64, F16 and BF16 alike. */
  @Test
  void convertsF64F16AndBf16Tensors() {
    float[][] p = parameters(0);
    for (float[] tensor : p) {
      for (int i = 0; i < tensor.length; i++) {
        tensor[i] = Math.round(tensor[i] * 8) / 8f;
      }
    }
    double[] a1 = new double[p[0].length];
    Arrays.setAll(a1, i -> p[0][i]);
    int[] b1 = new int[p[1].length];
    Arrays.setAll(b1, i -> Float.floatToIntBits(p[1][i]) >>> 16);
    int[] a2 = new int[p[2].length];
    Arrays.setAll(a2, i -> half(p[2][i]));
    HypernetWeights weights = imported(Activation.NONE, new SafetensorsWriter()
        .f64("0.weight", a1, HIDDEN, L)
        .tensor("0.bias", "BF16", le16(b1), HIDDEN)
        .tensor("1.weight", "F16", le16(a2), N * D, HIDDEN)
        .f32("1.bias", p[3], N * D));
    assertArrayEquals(p[0], weights.a1());
    assertArrayEquals(p[1], weights.b1());
    assertArrayEquals(p[2], weights.a2());
    assertArrayEquals(p[3], weights.b2());
  }

  /** binary16 bits of a float that is a normal half (sign, rebiased exponent, top mantissa). */
  private static int half(float value) {
    if (value == 0) {
      return Float.floatToIntBits(value) >>> 16;
    }
    int bits = Float.floatToIntBits(value);
    assertEquals(0, bits & 0x1fff, value + " is not a half");
    return ((bits >>> 16) & 0x8000) | ((((bits >>> 23) & 0xff) - 127 + 15) << 10)
        | ((bits >>> 13) & 0x3ff);
  }

  @ParameterizedTest
  @EnumSource(Activation.class)
  void jvmEngineOnImportedWeightsMatchesTheFloat64Reference(Activation activation) {
    HypernetConfig config = TestConfigs.config("trained", 16, 4, 8, 32, 0, activation);
    float[][] p = {gaussian(32 * 16, 21), gaussian(32, 22), gaussian(32 * 32, 23),
        gaussian(32, 24)};
    HypernetWeights weights = HypernetWeights.imported(config, SafetensorsBytes.parse(
        new SafetensorsWriter()
            .f32("0.weight", p[0], 32, 16).f32("0.bias", p[1], 32)
            .f32(activation == Activation.SIGMOID ? "2.weight" : "1.weight", p[2], 32, 32)
            .f32(activation == Activation.SIGMOID ? "2.bias" : "1.bias", p[3], 32).bytes(),
        SOURCE));
    int rows = 7;
    float[] w = gaussian(rows * 16, 25);
    float[] out = new float[rows * 32];
    try (ReconciliationEngine jvm = Engines.open(EngineKind.JVM, -1);
        BatchReconciler reconciler = jvm.load(weights)) {
      reconciler.reconcile(w, rows, out);
    }
    for (int r = 0; r < rows; r++) {
      double err = Float64Reference.relativeError(
          Float64Reference.evaluate(weights, Arrays.copyOfRange(w, r * 16, (r + 1) * 16)),
          out, r * 32);
      assertTrue(err <= Float64Reference.RELATIVE_TOLERANCE, "row " + r + " error " + err);
    }
  }

  @Test
  void aFileOfTheOtherActivationNamesTheMissingTensor() {
    SafetensorsWriter noActivation = stateDict(Activation.NONE, parameters(1));
    InvalidWeightsException e = assertThrows(InvalidWeightsException.class,
        () -> imported(Activation.SIGMOID, noActivation));
    assertMessage(e, "2.weight", "missing; a hypernet with activation sigmoid has exactly "
        + "0.weight, 0.bias, 2.weight, 2.bias, the file holds 0.bias, 0.weight, 1.bias, 1.weight");
  }

  @Test
  void anExtraTensorIsAnotherNet() {
    SafetensorsWriter extra = stateDict(Activation.NONE, parameters(1))
        .f32("3.weight", new float[] {1}, 1);
    assertMessage(assertThrows(InvalidWeightsException.class,
        () -> imported(Activation.NONE, extra)), "3.weight", "unexpected; a hypernet with "
        + "activation none has exactly 0.weight, 0.bias, 1.weight, 1.bias");
  }

  @ParameterizedTest(name = "tensor {0}")
  @ValueSource(ints = {0, 1, 2, 3})
  void aWrongShapeNamesTheTensorAndBothShapes(int index) {
    float[][] p = parameters(1);
    long[][] shapes = {{HIDDEN, L}, {HIDDEN}, {N * D, HIDDEN}, {N * D}};
    String[] names = {"0.weight", "0.bias", "1.weight", "1.bias"};
    String[] meanings = {"[hidden_dim, l]", "[hidden_dim]", "[n·D, hidden_dim]", "[n·D]"};
    // Transposed matrices, a bias of the wrong layer: same element counts, wrong layout.
    long[][] wrong = {{L, HIDDEN}, {1, HIDDEN}, {HIDDEN, N * D}, {N, D}};
    SafetensorsWriter writer = new SafetensorsWriter();
    for (int i = 0; i < 4; i++) {
      writer.f32(names[i], p[i], i == index ? wrong[i] : shapes[i]);
    }
    assertMessage(assertThrows(InvalidWeightsException.class,
        () -> imported(Activation.NONE, writer)), names[index],
        "shape " + SafetensorsWriter.shape(wrong[index]) + ", expected "
            + SafetensorsWriter.shape(shapes[index]) + " = " + meanings[index] + " of config "
            + "'trained' (l=5, n=3, D=4, hidden_dim=6");
  }

  @Test
  void anIntegerTensorIsAnUnsupportedDtype() {
    float[][] p = parameters(1);
    int[] ints = new int[HIDDEN];
    SafetensorsWriter writer = new SafetensorsWriter()
        .f32("0.weight", p[0], HIDDEN, L)
        .tensor("0.bias", "I32", le32(ints), HIDDEN)
        .f32("1.weight", p[2], N * D, HIDDEN)
        .f32("1.bias", p[3], N * D);
    assertMessage(assertThrows(InvalidWeightsException.class,
        () -> imported(Activation.NONE, writer)), "0.bias", "dtype I32 is not supported");
  }

  @Test
  void nonFiniteWeightsAreRefused() {
    float[][] p = parameters(1);
    p[2][7] = Float.NaN;
    assertMessage(assertThrows(InvalidWeightsException.class,
        () -> imported(Activation.NONE, stateDict(Activation.NONE, p))), "1.weight",
        "element 7 is NaN");
    double[] tooLarge = new double[N * D];
    tooLarge[2] = 1e300;
    SafetensorsWriter writer = new SafetensorsWriter()
        .f32("0.weight", p[0], HIDDEN, L).f32("0.bias", p[1], HIDDEN)
        .f32("1.weight", parameters(2)[2], N * D, HIDDEN).f64("1.bias", tooLarge, N * D);
    assertMessage(assertThrows(InvalidWeightsException.class,
        () -> imported(Activation.NONE, writer)), "1.bias",
        "element 2 is Infinity as float32; weights must be finite");
  }
}
