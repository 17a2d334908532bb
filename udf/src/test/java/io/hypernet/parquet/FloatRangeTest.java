package io.hypernet.parquet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The vector min/max scan gives exactly the scalar loop's result, edge values included. */
@Tag("spark-independent") // the same on every Spark line: runs on the default one
class FloatRangeTest {
  @Test
  void theVectorScanMatchesTheScalarLoopBitForBit() {
    assertTrue(FloatRange.VECTORIZED, "the tests run with jdk.incubator.vector (pom argLine)");
    Random random = new Random(7);
    float[] specials = {-0.0f, 0.0f, Float.NaN, Float.POSITIVE_INFINITY,
        Float.NEGATIVE_INFINITY, Float.MIN_VALUE, -Float.MAX_VALUE};
    for (int trial = 0; trial < 2000; trial++) {
      int length = random.nextInt(70);
      float[] values = new float[length + 5];
      for (int i = 0; i < values.length; i++) {
        values[i] = random.nextInt(8) == 0 ? specials[random.nextInt(specials.length)]
            : (float) random.nextGaussian();
      }
      int from = random.nextInt(5);
      int to = from + length;
      long scalar = FloatRange.scalarMinMax(values, from, to);
      long vector = VectorFloatRange.minMax(values, from, to);
      assertEquals(Float.floatToRawIntBits(FloatRange.min(scalar)),
          Float.floatToRawIntBits(FloatRange.min(vector)), "min, trial " + trial);
      assertEquals(Float.floatToRawIntBits(FloatRange.max(scalar)),
          Float.floatToRawIntBits(FloatRange.max(vector)), "max, trial " + trial);
    }
  }

  @Test
  void signedZerosAndNaNAreOrderedAsParquetJavaCompares() {
    float[] zeros = {0.0f, -0.0f, 0.0f};
    long range = FloatRange.minMax(zeros, 0, 3);
    assertEquals(Float.floatToRawIntBits(-0.0f), Float.floatToRawIntBits(FloatRange.min(range)));
    assertEquals(Float.floatToRawIntBits(0.0f), Float.floatToRawIntBits(FloatRange.max(range)));
    float[] withNaN = new float[40];
    withNaN[33] = Float.NaN;
    range = FloatRange.minMax(withNaN, 0, 40);
    assertTrue(Float.isNaN(FloatRange.min(range)) && Float.isNaN(FloatRange.max(range)));
    range = FloatRange.minMax(withNaN, 0, 0);
    assertEquals(Float.POSITIVE_INFINITY, FloatRange.min(range));
    assertEquals(Float.NEGATIVE_INFINITY, FloatRange.max(range));
  }
}
