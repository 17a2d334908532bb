package io.hypernet.testing;

import io.hypernet.config.Activation;
import io.hypernet.weights.HypernetWeights;

/**
 * An independent float64 evaluation of the hypernet (REFERENCE.md, "Computation"), the yardstick
 * every engine is held to.
 */
public final class Float64Reference {
  /** The tolerance: |W - W64| ≤ 1e-4 · max|W64| of the row. */
  public static final double RELATIVE_TOLERANCE = 1e-4;

  private Float64Reference() {}

  public static double[] evaluate(HypernetWeights weights, float[] w) {
    int l = weights.inputSize();
    int hidden = weights.hiddenSize();
    int out = weights.outputSize();
    if (w.length != l) {
      throw new IllegalArgumentException("w has " + w.length + " elements, l=" + l);
    }
    double[] h = new double[hidden];
    for (int k = 0; k < hidden; k++) {
      double acc = weights.b1()[k];
      for (int j = 0; j < l; j++) {
        acc += (double) weights.a1()[k * l + j] * w[j];
      }
      h[k] = weights.activation() == Activation.SIGMOID ? 1.0 / (1.0 + Math.exp(-acc)) : acc;
    }
    double[] result = new double[out];
    for (int i = 0; i < out; i++) {
      double acc = weights.b2()[i];
      for (int k = 0; k < hidden; k++) {
        acc += (double) weights.a2()[i * hidden + k] * h[k];
      }
      result[i] = acc;
    }
    return result;
  }

  /** The largest |actual - expected| relative to max|expected| over one row. */
  public static double relativeError(double[] expected, float[] actual, int offset) {
    double[] row = new double[expected.length];
    for (int i = 0; i < row.length; i++) {
      row[i] = actual[offset + i];
    }
    return relativeError(expected, row);
  }

  /** {@link #relativeError(double[], float[], int)} of a row computed in float64 too. */
  public static double relativeError(double[] expected, double[] actual) {
    double max = 0;
    double err = 0;
    for (int i = 0; i < expected.length; i++) {
      max = Math.max(max, Math.abs(expected[i]));
      err = Math.max(err, Math.abs(expected[i] - actual[i]));
    }
    return max == 0 ? err : err / max;
  }
}
