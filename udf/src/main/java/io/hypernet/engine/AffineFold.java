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

  /** True when {@code weights} have no activation and one layer takes fewer FLOPs than two. */
  static boolean pays(HypernetWeights weights) {
    long folded = (long) weights.inputSize() * weights.outputSize();
    long twoLayers = (long) weights.hiddenSize() * (weights.inputSize() + weights.outputSize());
    return weights.activation() == Activation.NONE && folded < twoLayers;
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
