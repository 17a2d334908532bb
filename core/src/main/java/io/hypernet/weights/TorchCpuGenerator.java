package io.hypernet.weights;

/**
 * PyTorch's default CPU generator after {@code torch.manual_seed(seed)}, for the two operations a
 * tinyBIG hypernet's construction draws from it: {@code uniform_} on float tensors (what
 * {@code nn.Linear}'s initialisation runs) and ATen's CPU {@code normal_(0, 1)}.
 */
final class TorchCpuGenerator {
  private static final float TWO_POW_MINUS_24 = 0x1.0p-24f;
  private static final double TWO_POW_MINUS_53 = 0x1.0p-53;
  private static final long MASK_53 = (1L << 53) - 1;

  private final Mt19937 engine;
  /** The sine half of the scalar path's last Box–Muller pair, kept for the next scalar draw. */
  private double nextNormal = Double.NaN;

  TorchCpuGenerator(long seed) {
    engine = new Mt19937(seed);
  }

  /** The draws of {@code uniform_} on a float tensor of {@code count} elements: one each. */
  void skipUniform(long count) {
    engine.skip(count);
  }

  /**
   * {@code normal_} on a contiguous float tensor: from 16 elements, uniforms for the whole tensor
   * then the 16-wide Box–Muller over each block, the last block redrawn when the size is not a
   * multiple of 16; below that, the scalar double-precision path, one element at a time.
   */
  float[] normal(float[] out) {
    if (out.length < 16) {
      for (int i = 0; i < out.length; i++) {
        out[i] = (float) scalarNormal();
      }
      return out;
    }
    for (int i = 0; i < out.length; i++) {
      out[i] = uniformFloat();
    }
    int blocks = out.length / 16;
    for (int b = 0; b < blocks; b++) {
      Avx2BoxMuller.fill16(out, 16 * b);
    }
    if (out.length % 16 != 0) {
      int last = out.length - 16;
      for (int i = last; i < out.length; i++) {
        out[i] = uniformFloat();
      }
      Avx2BoxMuller.fill16(out, last);
    }
    return out;
  }

  /** {@code at::uniform_real_distribution<float>(0, 1)}: 24 random bits. */
  private float uniformFloat() {
    return (engine.nextUint32() & 0xFFFFFF) * TWO_POW_MINUS_24;
  }

  /** {@code at::normal_distribution<double>}: Box–Muller on two 53-bit uniforms, sine cached. */
  private double scalarNormal() {
    if (!Double.isNaN(nextNormal)) {
      double cached = nextNormal;
      nextNormal = Double.NaN;
      return cached;
    }
    double u1 = uniformDouble();
    double u2 = uniformDouble();
    double radius = StrictMath.sqrt(-2.0 * StrictMath.log1p(-u2));
    double theta = 2.0 * Math.PI * u1;
    nextNormal = radius * StrictMath.sin(theta);
    return radius * StrictMath.cos(theta);
  }

  /** {@code at::uniform_real_distribution<double>(0, 1)}: 53 bits of a 64-bit draw (high first). */
  private double uniformDouble() {
    long random64 = (engine.nextUint32() << 32) | engine.nextUint32();
    return (random64 & MASK_53) * TWO_POW_MINUS_53;
  }
}
