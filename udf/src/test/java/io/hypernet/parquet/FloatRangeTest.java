package io.hypernet.parquet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The vector copy and min/max scan gives exactly the scalar loop's result and the plain copy's
 * bytes, edge values included.
 */
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
      byte[] plain = new byte[3 + 4 * length];
      FloatRange.copy(values, from, to, plain, 3);
      byte[] copied = new byte[plain.length];
      long vector = VectorFloatRange.copyMinMax(values, from, to, copied, 3);
      assertArrayEquals(plain, copied, "trial " + trial);
      for (int i = 0; i < length; i++) { // little-endian, bit for bit (NaNs included)
        assertEquals(Float.floatToRawIntBits(values[from + i]), ByteBuffer.wrap(plain)
            .order(ByteOrder.LITTLE_ENDIAN).getInt(3 + 4 * i), "trial " + trial);
      }
      assertEquals(Float.floatToRawIntBits(FloatRange.min(scalar)),
          Float.floatToRawIntBits(FloatRange.min(vector)), "min, trial " + trial);
      assertEquals(Float.floatToRawIntBits(FloatRange.max(scalar)),
          Float.floatToRawIntBits(FloatRange.max(vector)), "max, trial " + trial);
    }
  }

  @Test
  void signedZerosAndNaNAreOrderedAsParquetJavaCompares() {
    float[] zeros = {0.0f, -0.0f, 0.0f};
    long range = FloatRange.copyMinMax(zeros, 0, 3, new byte[12], 0);
    assertEquals(Float.floatToRawIntBits(-0.0f), Float.floatToRawIntBits(FloatRange.min(range)));
    assertEquals(Float.floatToRawIntBits(0.0f), Float.floatToRawIntBits(FloatRange.max(range)));
    float[] withNaN = new float[40];
    withNaN[33] = Float.NaN;
    range = FloatRange.copyMinMax(withNaN, 0, 40, new byte[160], 0);
    assertTrue(Float.isNaN(FloatRange.min(range)) && Float.isNaN(FloatRange.max(range)));
    range = FloatRange.copyMinMax(withNaN, 0, 0, new byte[0], 0);
    assertEquals(Float.POSITIVE_INFINITY, FloatRange.min(range));
    assertEquals(Float.NEGATIVE_INFINITY, FloatRange.max(range));
  }
}
