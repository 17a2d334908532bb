package io.hypernet.weights;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class SeededWeightsTest {

  /** The SPEC §3 table, verbatim. */
  @ParameterizedTest(name = "seed={0} p={1}")
  @CsvSource(delimiter = '|', value = {
      "0  | 0 | -0.103178844 1.98496914 0.42211023 -0.963923454",
      "0  | 3 | 0.134688064 1.66629767 -0.520677388 1.05090058",
      "42 | 0 | -0.318013877 -1.34076893 0.258929193 0.470199823",
      "42 | 3 | 1.17811048 -0.363997906 1.00697529 1.75008237",
      "-1 | 0 | 0.0856186077 -0.155040115 -0.498339385 -0.83412075",
      "-1 | 3 | -1.13484323 -0.327813864 1.58987057 0.742172182"})
  void matchesSpecTestVectors(long seed, int p, String values) {
    String[] expected = values.trim().split("\\s+");
    float[] filled = SeededWeights.fill(seed, p, new float[4]);
    for (int i = 0; i < 4; i++) {
      float want = Float.parseFloat(expected[i]);
      // 9 significant digits identify a float32 uniquely: demand bit equality.
      assertEquals(want, SeededWeights.value(seed, p, i), 0f, "value i=" + i);
      assertEquals(want, filled[i], 0f, "fill i=" + i);
    }
  }

  @Test
  void fillAgreesWithValueForOddLengths() {
    float[] filled = SeededWeights.fill(7, SeededWeights.A2, new float[101]);
    for (int i = 0; i < filled.length; i++) {
      assertEquals(SeededWeights.value(7, SeededWeights.A2, i), filled[i], 0f, "i=" + i);
    }
  }

  @Test
  void drawsAreStandardNormal() {
    float[] draws = SeededWeights.fill(123, SeededWeights.A2, new float[20_000]);
    double sum = 0;
    double sumSq = 0;
    for (float v : draws) {
      sum += v;
      sumSq += (double) v * v;
    }
    double mean = sum / draws.length;
    double std = Math.sqrt(sumSq / draws.length - mean * mean);
    assertEquals(0.0, mean, 0.03, "mean");
    assertEquals(1.0, std, 0.03, "std");
  }

  @Test
  void tensorsAndSeedsAreIndependentStreams() {
    float[] a = SeededWeights.fill(5, SeededWeights.A1, new float[64]);
    float[] b = SeededWeights.fill(5, SeededWeights.B1, new float[64]);
    float[] c = SeededWeights.fill(6, SeededWeights.A1, new float[64]);
    int sameAb = 0;
    int sameAc = 0;
    for (int i = 0; i < 64; i++) {
      sameAb += a[i] == b[i] ? 1 : 0;
      sameAc += a[i] == c[i] ? 1 : 0;
    }
    assertTrue(sameAb < 2 && sameAc < 2, "streams overlap: " + sameAb + ", " + sameAc);
  }
}
