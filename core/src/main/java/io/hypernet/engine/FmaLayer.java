package io.hypernet.engine;

import io.hypernet.config.SizeLimits;

/**
 * A frozen {@code Linear(k, n)} layer evaluated as one fused multiply-add chain per output:
 * {@code y[i] = fma(A[i][k-1], x[k-1], … fma(A[i][0], x[0], b[i]))}. Every output element is the
 * same chain of correctly rounded FMAs whatever the batch, blocking, vector width or thread, so
 * results are bit-identical across batch sizes, partitionings and machines.
 */
final class FmaLayer {
  /** The vector kernel needs {@code --add-modules=jdk.incubator.vector}; without it, scalar. */
  static final boolean VECTORIZED =
      ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();

  final int inputs;
  final int outputs;
  /** A, [outputs × inputs] row-major (as nn.Linear stores it). */
  final float[] weight;
  final float[] bias;
  /**
   * A transposed into column panels of {@link VectorFmaKernel#PANEL} outputs, the last one
   * zero-padded; null if scalar. Padding keeps the tail columns on the vector path (scalar they
   * took a sixth of the kernel's time) without changing any real output's FMA chain.
   */
  final float[] panels;
  final float[] paddedBias;
  final int panelCount;

  FmaLayer(int inputs, int outputs, float[] weight, float[] bias) {
    this.inputs = inputs;
    this.outputs = outputs;
    this.weight = weight;
    this.bias = bias;
    if (VECTORIZED && packingFits(inputs, outputs)) {
      this.panelCount = (outputs + VectorFmaKernel.PANEL - 1) / VectorFmaKernel.PANEL;
      this.panels = VectorFmaKernel.pack(weight, inputs, outputs, panelCount);
      this.paddedBias = java.util.Arrays.copyOf(bias, panelCount * VectorFmaKernel.PANEL);
    } else {
      this.panelCount = 0;
      this.panels = null;
      this.paddedBias = null;
    }
  }

  /** Padded panels of up to 4 MiB always, beyond that at most twice the weights themselves. */
  private static final long SMALL_PANELS_FLOATS = 1L << 20;

  /**
   * Whether the zero-padded panels are worth their memory: a layer with few outputs (n·D = 1, or
   * hidden_dim = 8 behind a wide w) would pad each row of inputs to a whole panel, up to 48× the
   * weights; such layers take the scalar path, which computes the same FMA chains.
   */
  static boolean packingFits(int inputs, int outputs) {
    long panels = (outputs + (long) VectorFmaKernel.PANEL - 1) / VectorFmaKernel.PANEL;
    long packed = panels * VectorFmaKernel.PANEL * inputs;
    return packed <= SMALL_PANELS_FLOATS
        || packed <= Math.min(2L * inputs * outputs, SizeLimits.MAX_ARRAY_LENGTH);
  }

  /** Implementation label for logs and reports. */
  static String implementation() {
    return VECTORIZED ? "vector-fma(" + VectorFmaKernel.LANES + " lanes)" : "scalar-fma";
  }

  /** y[r] = A·x[r] + b for {@code rows} rows; x is [rows × inputs], y is [rows × outputs]. */
  void apply(float[] x, int rows, float[] y) {
    if (panels != null) {
      VectorFmaKernel.multiply(this, x, rows, y);
    } else {
      scalar(x, rows, y);
    }
  }

  /** The same FMA chain, one element at a time. */
  private void scalar(float[] x, int rows, float[] y) {
    for (int r = 0; r < rows; r++) {
      int xOff = r * inputs;
      int yOff = r * outputs;
      for (int i = 0; i < outputs; i++) {
        float acc = bias[i];
        int aOff = i * inputs;
        for (int k = 0; k < inputs; k++) {
          acc = Math.fma(weight[aOff + k], x[xOff + k], acc);
        }
        y[yOff + i] = acc;
      }
    }
  }

  long sizeInBytes() {
    long floats = (long) weight.length + bias.length
        + (panels == null ? 0 : panels.length + paddedBias.length);
    return floats * Float.BYTES;
  }
}
