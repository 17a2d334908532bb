package io.hypernet.parquet;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Min and max of a run of floats as {@link Math#min}/{@link Math#max} order them (−0.0 below
 * 0.0; a NaN makes both NaN), which is how parquet-java's float statistics compare, taken as the
 * run is copied into a page. With the incubator vector module the run is scanned a vector at a
 * time: the scalar loop was a fifth of the bulk writer's time at n·D = 4096 (BENCHMARKS.md).
 */
final class FloatRange {
  /** The vector path needs {@code --add-modules=jdk.incubator.vector}; without it, scalar. */
  static final boolean VECTORIZED =
      ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();

  private FloatRange() {}

  /**
   * Copies {@code values[from, to)} into {@code target} at byte {@code at} as little-endian
   * floats (bit for bit) and returns their min and max, packed by {@link #pack}: one read of
   * the values, not one for the copy and one for the statistics.
   */
  static long copyMinMax(float[] values, int from, int to, byte[] target, int at) {
    if (VECTORIZED) {
      return VectorFloatRange.copyMinMax(values, from, to, target, at);
    }
    copy(values, from, to, target, at);
    return scalarMinMax(values, from, to);
  }

  /** The plain copy of {@link #copyMinMax}: a memory copy on little-endian machines. */
  static void copy(float[] values, int from, int to, byte[] target, int at) {
    ByteBuffer.wrap(target, at, (to - from) * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN)
        .asFloatBuffer().put(values, from, to - from);
  }

  static long scalarMinMax(float[] values, int from, int to) {
    return finish(Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, values, from, to);
  }

  /** Folds {@code values[from, to)} into a partial min and max, one value at a time. */
  static long finish(float min, float max, float[] values, int from, int to) {
    for (int i = from; i < to; i++) {
      min = Math.min(min, values[i]);
      max = Math.max(max, values[i]);
    }
    return pack(min, max);
  }

  /** Two floats in one long, so the hot loop returns both without allocating. */
  static long pack(float min, float max) {
    return ((long) Float.floatToRawIntBits(min) << 32)
        | (Float.floatToRawIntBits(max) & 0xFFFF_FFFFL);
  }

  static float min(long packed) {
    return Float.intBitsToFloat((int) (packed >>> 32));
  }

  static float max(long packed) {
    return Float.intBitsToFloat((int) packed);
  }
}
