package io.hypernet.weights;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SeededWeightsTest {

  /** The test vectors of REFERENCE.md, "Weight generator": the published table is what runs. */
  @ParameterizedTest(name = "seed={0} p={1}")
  @MethodSource("referenceVectors")
  void matchesReferenceTestVectors(long seed, int p, String values) {
    String[] expected = values.trim().split("\\s+");
    float[] filled = SeededWeights.fill(seed, p, new float[4]);
    for (int i = 0; i < 4; i++) {
      float want = Float.parseFloat(expected[i]);
      // 9 significant digits identify a float32 uniquely: demand bit equality.
      assertEquals(want, SeededWeights.value(seed, p, i), 0f, "value i=" + i);
      assertEquals(want, filled[i], 0f, "fill i=" + i);
    }
  }

  /** Rows {@code | seed | p | four floats |} of the reference's generator table. */
  static Stream<Arguments> referenceVectors() throws IOException {
    Pattern row = Pattern.compile("(?m)^\\| (-?\\d+) \\| (\\d) \\| ([-0-9. ]+) \\|$");
    Matcher m = row.matcher(Files.readString(Path.of("../REFERENCE.md")));
    List<Arguments> vectors = new ArrayList<>();
    while (m.find()) {
      vectors.add(Arguments.of(Long.parseLong(m.group(1)), Integer.parseInt(m.group(2)),
          m.group(3)));
    }
    assertEquals(6, vectors.size(), "test vectors in REFERENCE.md");
    return vectors.stream();
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
