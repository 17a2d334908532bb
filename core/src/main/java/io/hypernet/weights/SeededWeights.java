package io.hypernet.weights;

/**
 * The seed-derived standard-normal generator (REFERENCE.md, "Weight generator"): SplitMix64-style
 * mixing of (seed, tensor, index) and a Box–Muller transform in {@link StrictMath}, so every
 * element is a pure function of its coordinates — the same on every machine, engine, partitioning
 * and thread.
 */
public final class SeededWeights {
  /** Tensor numbers p of the generator. */
  public static final int A1 = 0;
  public static final int B1 = 1;
  public static final int A2 = 2;
  public static final int B2 = 3;

  private static final double TWO_POW_MINUS_53 = 0x1.0p-53;
  private static final double TWO_PI = 2 * Math.PI;

  private SeededWeights() {}

  static long mix(long x) {
    long z = x + 0x9E3779B97F4A7C15L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** Element {@code i} of tensor {@code p} for {@code seed}. */
  public static float value(long seed, int p, long i) {
    long k = tensorKey(seed, p);
    long j = i >>> 1;
    double radius = radius(mix(k + 2 * j));
    double angle = TWO_PI * ((mix(k + 2 * j + 1) >>> 11) * TWO_POW_MINUS_53);
    return (float) (radius * ((i & 1) == 0 ? StrictMath.cos(angle) : StrictMath.sin(angle)));
  }

  /** Fills {@code out} with elements 0..out.length-1 of tensor {@code p}; pairs share one draw. */
  public static float[] fill(long seed, int p, float[] out) {
    long k = tensorKey(seed, p);
    for (int i = 0; i < out.length; i += 2) {
      long j = i >>> 1;
      double radius = radius(mix(k + 2 * j));
      double angle = TWO_PI * ((mix(k + 2 * j + 1) >>> 11) * TWO_POW_MINUS_53);
      out[i] = (float) (radius * StrictMath.cos(angle));
      if (i + 1 < out.length) {
        out[i + 1] = (float) (radius * StrictMath.sin(angle));
      }
    }
    return out;
  }

  private static long tensorKey(long seed, int p) {
    return mix(mix(seed) + p);
  }

  /** sqrt(-2 ln u1) with u1 = ((a >>> 11) + 1)·2^-53 in (0, 1]. */
  private static double radius(long a) {
    double u1 = ((a >>> 11) + 1) * TWO_POW_MINUS_53;
    return StrictMath.sqrt(-2 * StrictMath.log(u1));
  }
}
