package io.hypernet.parquet;

import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link FloatRange#copyMinMax} on the JDK vector API. Lane-wise min/max follow {@link Math#min} and
 * {@link Math#max}, which are associative and commutative even for NaN and signed zeros, so the
 * result equals the scalar loop's. Loaded only when the incubator vector module is present.
 */
final class VectorFloatRange {
  private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;

  private VectorFloatRange() {}

  /** {@link FloatRange#copyMinMax}: one pass that stores each vector as it folds it. */
  static long copyMinMax(float[] values, int from, int to, byte[] target, int at) {
    FloatVector min = FloatVector.broadcast(SPECIES, Float.POSITIVE_INFINITY);
    FloatVector max = FloatVector.broadcast(SPECIES, Float.NEGATIVE_INFINITY);
    int i = from;
    int byteAt = at;
    for (int bound = from + SPECIES.loopBound(to - from); i < bound;
        i += SPECIES.length(), byteAt += SPECIES.vectorByteSize()) {
      FloatVector v = FloatVector.fromArray(SPECIES, values, i);
      v.intoByteArray(target, byteAt, ByteOrder.LITTLE_ENDIAN);
      min = min.min(v);
      max = max.max(v);
    }
    FloatRange.copy(values, i, to, target, byteAt);
    return FloatRange.finish(min.reduceLanes(VectorOperators.MIN),
        max.reduceLanes(VectorOperators.MAX), values, i, to);
  }
}
