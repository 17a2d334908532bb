package io.hypernet.engine;

import io.hypernet.config.Activation;
import io.hypernet.weights.HypernetWeights;

/**
 * Without an activation the hypernet is one affine map: A2·(A1·w + b1) + b2 = A·w + c with
 * A = A2·A1 and c = A2·b1 + b2. Composed once per configuration, it takes l·n·D multiply-adds per
 * row instead of hidden·(l + n·D): half at l=64, hidden=128.
 */
final class AffineFold {
  private AffineFold() {}

  /**
   * Largest folded matrix A2·A1 (floats): composing it holds about three matrices of this size at
   * once, so a wide l times a large n·D stays two layers rather than exhausting the heap.
   */
  static final long MAX_FOLDED_FLOATS = 16L << 20;

  /**
   * True when {@code weights} have no activation, one layer takes fewer FLOPs than two, and the
   * folded layer is small enough to compose.
   */
  static boolean pays(HypernetWeights weights) {
    long l = weights.inputSize();
    long outputs = weights.outputSize();
    long folded = (l + 1) * outputs;
    long twoLayers = weights.hiddenSize() * (l + outputs);
    return weights.activation() == Activation.NONE && folded < twoLayers
        && folded <= MAX_FOLDED_FLOATS;
  }

  /**
   * The single layer {@code Linear(l, n·D)} equal to both layers of {@code weights}, composed by
   * the engine's own kernel: the second layer (without bias) applied to the columns of A1 gives
   * the columns of A2·A1, and applied to b1 gives A2·b1. Milliseconds, where a float64 triple
   * loop took a quarter of a second per configuration before the JIT caught up.
   */
  static FmaLayer compose(HypernetWeights weights) {
    int l = weights.inputSize();
    int hidden = weights.hiddenSize();
    int outputs = weights.outputSize();
    float[] a1 = weights.a1();
    float[] x = new float[(l + 1) * hidden];
    for (int k = 0; k < hidden; k++) {
      for (int j = 0; j < l; j++) {
        x[j * hidden + k] = a1[k * l + j];
      }
    }
    System.arraycopy(weights.b1(), 0, x, l * hidden, hidden);
    float[] y = new float[(l + 1) * outputs];
    new FmaLayer(hidden, outputs, weights.a2(), new float[outputs]).apply(x, l + 1, y);
    float[] a = new float[outputs * l];
    float[] c = new float[outputs];
    float[] b2 = weights.b2();
    for (int i = 0; i < outputs; i++) {
      for (int j = 0; j < l; j++) {
        a[i * l + j] = y[j * outputs + i];
      }
      c[i] = y[l * outputs + i] + b2[i];
    }
    return new FmaLayer(l, outputs, a, c);
  }
}
