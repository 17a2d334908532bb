package io.hypernet.parquet;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link FloatRange#minMax} on the JDK vector API. Lane-wise min/max follow {@link Math#min} and
 * {@link Math#max}, which are associative and commutative even for NaN and signed zeros, so the
 * result equals the scalar loop's. Loaded only when the incubator vector module is present.
 */
final class VectorFloatRange {
  private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;

  private VectorFloatRange() {}

  static long minMax(float[] values, int from, int to) {
    FloatVector min = FloatVector.broadcast(SPECIES, Float.POSITIVE_INFINITY);
    FloatVector max = FloatVector.broadcast(SPECIES, Float.NEGATIVE_INFINITY);
    int i = from;
    for (int bound = from + SPECIES.loopBound(to - from); i < bound; i += SPECIES.length()) {
      FloatVector v = FloatVector.fromArray(SPECIES, values, i);
      min = min.min(v);
      max = max.max(v);
    }
    return FloatRange.finish(min.reduceLanes(VectorOperators.MIN),
        max.reduceLanes(VectorOperators.MAX), values, i, to);
  }
}
