package io.hypernet.config;

/**
 * How large a hypernet may be. Its weights are float arrays on the heap of every executor that
 * loads it (and, for a trained hypernet, of the driver, which validates its file), so their size
 * is capped by a byte budget rather than discovered as an OutOfMemoryError.
 */
public final class SizeLimits implements java.io.Serializable {
  private static final long serialVersionUID = 1L;

  /** Largest Java array we allocate (the JVM reserves a few header words). */
  public static final long MAX_ARRAY_LENGTH = Integer.MAX_VALUE - 16L;
  /**
   * Largest row of W: 2^28 floats, 1 GiB. The Parquet writers put a whole row in one page, and a
   * page (with its levels and headers) must stay well inside the 2 GiB a Parquet page can be.
   */
  public static final long MAX_ROW_FLOATS = 1L << 28;

  private final long maxWeightBytes;

  public SizeLimits(long maxWeightBytes) {
    if (maxWeightBytes <= 0) {
      throw new IllegalArgumentException("maxWeightBytes must be > 0, got " + maxWeightBytes);
    }
    this.maxWeightBytes = maxWeightBytes;
  }

  /**
   * The default budget: a quarter of this JVM's heap, leaving room for the other copies that
   * loading a hypernet makes (a file's bytes, an engine's own form), and never more than 2 GiB.
   */
  public static SizeLimits forThisJvm() {
    return new SizeLimits(Math.min(Runtime.getRuntime().maxMemory() / 4, 2L << 30));
  }

  public long maxWeightBytes() {
    return maxWeightBytes;
  }

  /** Parameters of Linear(l, hidden) and Linear(hidden, outputSize); saturates on overflow. */
  static long parameterCount(long l, long hidden, long outputSize) {
    try {
      long first = Math.addExact(Math.multiplyExact(hidden, l), hidden);
      long second = Math.addExact(Math.multiplyExact(outputSize, hidden), outputSize);
      return Math.addExact(first, second);
    } catch (ArithmeticException overflow) {
      return Long.MAX_VALUE;
    }
  }

  /** Returns null when the sizes fit, else the reason they do not, with the numbers. */
  String check(int l, int n, int d, int hidden) {
    long outputSize = (long) n * d;
    if (outputSize > MAX_ROW_FLOATS) {
      return "n·D = " + n + "·" + d + " = " + outputSize + " floats exceeds the largest row of W, "
          + MAX_ROW_FLOATS + " floats (1 GiB: one Parquet page holds a whole row)";
    }
    long a2 = outputSize * hidden;
    if (a2 > MAX_ARRAY_LENGTH || (long) l * hidden > MAX_ARRAY_LENGTH) {
      return "n·D·hidden_dim = " + a2 + " floats exceeds the largest array the weights can be ("
          + MAX_ARRAY_LENGTH + " floats)";
    }
    long bytes = parameterCount(l, hidden, outputSize) * Float.BYTES;
    if (bytes > maxWeightBytes) {
      return "hypernet weights need " + mib(bytes) + " (" + parameterCount(l, hidden, outputSize)
          + " floats) but the limit for loading them into an executor is " + mib(maxWeightBytes)
          + "; reduce n, D or hidden_dim, or give the driver more memory (--max-weights-mb)";
    }
    return null;
  }

  private static String mib(long bytes) {
    return String.format(java.util.Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024.0));
  }
}
