package io.hypernet.engine;

import io.hypernet.config.Activation;
import io.hypernet.weights.HypernetWeights;

/**
 * Without an activation the hypernet is one affine map: A2·(A1·w + b1) + b2 = A·w + c with
 * A = A2·A1 and c = A2·b1 + b2. Composed once per configuration in float64 and rounded once, it
 * takes l·n·D multiply-adds per row instead of hidden·(l + n·D): half at l=64, hidden=128.
 */
final class AffineFold {
  private AffineFold() {}

  /** True when {@code weights} have no activation and one layer takes fewer FLOPs than two. */
  static boolean pays(HypernetWeights weights) {
    long folded = (long) weights.inputSize() * weights.outputSize();
    long twoLayers = (long) weights.hiddenSize() * (weights.inputSize() + weights.outputSize());
    return weights.activation() == Activation.NONE && folded < twoLayers;
  }

  /** The single layer {@code Linear(l, n·D)} equal to both layers of {@code weights}. */
  static FmaLayer compose(HypernetWeights weights) {
    int l = weights.inputSize();
    int hidden = weights.hiddenSize();
    int outputs = weights.outputSize();
    float[] a1 = weights.a1();
    float[] b1 = weights.b1();
    float[] a2 = weights.a2();
    float[] b2 = weights.b2();
    float[] a = new float[outputs * l];
    float[] c = new float[outputs];
    double[] row = new double[l];
    for (int i = 0; i < outputs; i++) {
      java.util.Arrays.fill(row, 0);
      double bias = b2[i];
      for (int k = 0; k < hidden; k++) {
        double a2ik = a2[i * hidden + k];
        bias += a2ik * b1[k];
        int base = k * l;
        for (int j = 0; j < l; j++) {
          row[j] += a2ik * a1[base + j];
        }
      }
      for (int j = 0; j < l; j++) {
        a[i * l + j] = (float) row[j];
      }
      c[i] = (float) bias;
    }
    return new FmaLayer(l, outputs, a, c);
  }
}
