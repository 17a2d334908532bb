package io.hypernet.engine;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The register-blocked kernel behind {@link FmaLayer}: 4 rows × 3 vectors of outputs per inner
 * loop, over weights packed into contiguous column panels so each panel stays in L1 while the
 * batch streams past it. Loaded only when the incubator vector module is present.
 */
final class VectorFmaKernel {
  private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
  static final int LANES = SPECIES.length();
  static final int PANEL = 3 * LANES;

  private VectorFmaKernel() {}

  /** panels[(p·inputs + k)·PANEL + c] = A[p·PANEL + c][k], zero beyond the last output. */
  static float[] pack(float[] weight, int inputs, int outputs, int panelCount) {
    float[] packed = new float[panelCount * inputs * PANEL];
    for (int p = 0; p < panelCount; p++) {
      int width = Math.min(PANEL, outputs - p * PANEL);
      for (int k = 0; k < inputs; k++) {
        int dst = (p * inputs + k) * PANEL;
        for (int c = 0; c < width; c++) {
          packed[dst + c] = weight[(p * PANEL + c) * inputs + k];
        }
      }
    }
    return packed;
  }

  /**
   * Rows per block: a block's inputs (64 × 128 floats = 32 KiB) stay in L1/L2 while every panel
   * streams past them; without blocking, large batches re-read x from L3 for each panel and ran
   * at half the speed (BENCHMARKS.md, kernel).
   */
  static final int ROW_BLOCK = 64;

  static void multiply(FmaLayer layer, float[] x, int rows, float[] y) {
    for (int from = 0; from < rows; from += ROW_BLOCK) {
      multiplyBlock(layer, x, from, Math.min(rows, from + ROW_BLOCK), y);
    }
  }

  /** Rows [from, to) through every panel. */
  private static void multiplyBlock(FmaLayer layer, float[] x, int from, int rows, float[] y) {
    int inputs = layer.inputs;
    int outputs = layer.outputs;
    float[] a = layer.panels;
    float[] tail = null;
    for (int p = 0; p < layer.panelCount; p++) {
      int col = p * PANEL;
      if (col + PANEL > outputs) {
        // The padded last panel: full rows of W would be overrun, so its vectors go through
        // a scratch row and only the real columns are copied out.
        if (tail == null) {
          tail = new float[PANEL];
        }
        tailPanel(layer, x, from, rows, y, p, tail);
        continue;
      }
      int base = p * inputs * PANEL;
      FloatVector b0 = FloatVector.fromArray(SPECIES, layer.paddedBias, col);
      FloatVector b1 = FloatVector.fromArray(SPECIES, layer.paddedBias, col + LANES);
      FloatVector b2 = FloatVector.fromArray(SPECIES, layer.paddedBias, col + 2 * LANES);
      int r = from;
      for (; r + 4 <= rows; r += 4) {
        FloatVector c00 = b0, c01 = b1, c02 = b2;
        FloatVector c10 = b0, c11 = b1, c12 = b2;
        FloatVector c20 = b0, c21 = b1, c22 = b2;
        FloatVector c30 = b0, c31 = b1, c32 = b2;
        int x0 = r * inputs;
        for (int k = 0, off = base; k < inputs; k++, off += PANEL) {
          FloatVector a0 = FloatVector.fromArray(SPECIES, a, off);
          FloatVector a1 = FloatVector.fromArray(SPECIES, a, off + LANES);
          FloatVector a2 = FloatVector.fromArray(SPECIES, a, off + 2 * LANES);
          FloatVector h = FloatVector.broadcast(SPECIES, x[x0 + k]);
          c00 = a0.fma(h, c00);
          c01 = a1.fma(h, c01);
          c02 = a2.fma(h, c02);
          h = FloatVector.broadcast(SPECIES, x[x0 + inputs + k]);
          c10 = a0.fma(h, c10);
          c11 = a1.fma(h, c11);
          c12 = a2.fma(h, c12);
          h = FloatVector.broadcast(SPECIES, x[x0 + 2 * inputs + k]);
          c20 = a0.fma(h, c20);
          c21 = a1.fma(h, c21);
          c22 = a2.fma(h, c22);
          h = FloatVector.broadcast(SPECIES, x[x0 + 3 * inputs + k]);
          c30 = a0.fma(h, c30);
          c31 = a1.fma(h, c31);
          c32 = a2.fma(h, c32);
        }
        int y0 = r * outputs + col;
        store(y, y0, c00, c01, c02);
        store(y, y0 + outputs, c10, c11, c12);
        store(y, y0 + 2 * outputs, c20, c21, c22);
        store(y, y0 + 3 * outputs, c30, c31, c32);
      }
      for (; r < rows; r++) {
        onePanelRow(layer, x, r, p, y, r * outputs + col);
      }
    }
  }

  /** One row through panel p, its PANEL outputs stored at {@code out[offset...]}. */
  private static void onePanelRow(FmaLayer layer, float[] x, int r, int p, float[] out,
      int offset) {
    int inputs = layer.inputs;
    int col = p * PANEL;
    float[] a = layer.panels;
    FloatVector c0 = FloatVector.fromArray(SPECIES, layer.paddedBias, col);
    FloatVector c1 = FloatVector.fromArray(SPECIES, layer.paddedBias, col + LANES);
    FloatVector c2 = FloatVector.fromArray(SPECIES, layer.paddedBias, col + 2 * LANES);
    int x0 = r * inputs;
    for (int k = 0, off = p * inputs * PANEL; k < inputs; k++, off += PANEL) {
      FloatVector h = FloatVector.broadcast(SPECIES, x[x0 + k]);
      c0 = FloatVector.fromArray(SPECIES, a, off).fma(h, c0);
      c1 = FloatVector.fromArray(SPECIES, a, off + LANES).fma(h, c1);
      c2 = FloatVector.fromArray(SPECIES, a, off + 2 * LANES).fma(h, c2);
    }
    store(out, offset, c0, c1, c2);
  }

  private static void tailPanel(FmaLayer layer, float[] x, int from, int rows, float[] y, int p,
      float[] scratch) {
    int col = p * PANEL;
    for (int r = from; r < rows; r++) {
      onePanelRow(layer, x, r, p, scratch, 0);
      System.arraycopy(scratch, 0, y, r * layer.outputs + col, layer.outputs - col);
    }
  }

  private static void store(float[] y, int offset, FloatVector v0, FloatVector v1, FloatVector v2) {
    v0.intoArray(y, offset);
    v1.intoArray(y, offset + LANES);
    v2.intoArray(y, offset + 2 * LANES);
  }
}
