package io.hypernet.weights;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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

/** REFERENCE.md, "PyTorch's stream": tinyBIG's frozen hypernet from its torch seed. */
class TorchInitTest {

  /** The published table, taken from PyTorch's own tensors, is what runs. */
  @ParameterizedTest(name = "seed={0} l={1} hidden={2} out={3} p={4}")
  @MethodSource("referenceVectors")
  void matchesReferenceTestVectors(long seed, int l, int hidden, int out, int p, String values) {
    String[] expected = values.trim().split("\\s+");
    float[] tensor = TorchInit.parameters(seed, l, hidden, out)[p];
    for (int i = 0; i < 4; i++) {
      // 9 significant digits identify a float32 uniquely: demand bit equality.
      assertEquals(Float.parseFloat(expected[i]), tensor[i], 0f, "element " + i);
    }
  }

  static Stream<Arguments> referenceVectors() throws IOException {
    Pattern row = Pattern.compile(
        "(?m)^\\| (-?\\d+) \\| (\\d+) \\| (\\d+) \\| (\\d+) \\| (\\d) \\| ([-0-9. ]+) \\|$");
    Matcher m = row.matcher(Files.readString(Path.of("../REFERENCE.md")));
    List<Arguments> vectors = new ArrayList<>();
    while (m.find()) {
      vectors.add(Arguments.of(Long.parseLong(m.group(1)), Integer.parseInt(m.group(2)),
          Integer.parseInt(m.group(3)), Integer.parseInt(m.group(4)),
          Integer.parseInt(m.group(5)), m.group(6)));
    }
    assertTrue(vectors.size() >= 8, "REFERENCE.md's PyTorch table was not found");
    return vectors.stream();
  }

  /** The reference outputs of the C++ standard's {@code std::mt19937}. */
  @Test
  void mersenneTwisterIsTheStandardOne() {
    Mt19937 standard = new Mt19937(5489);
    assertEquals(3499211612L, standard.nextUint32());
    Mt19937 tenThousandth = new Mt19937(5489);
    tenThousandth.skip(9999);
    assertEquals(4123659995L, tenThousandth.nextUint32()); // [rand.predef] of the C++ standard
    assertEquals(2357136044L, new Mt19937(0).nextUint32());
  }

  @Test
  void onlyTheLow32BitsOfTheSeedCount() {
    assertArrayEquals(TorchInit.parameters(5, 3, 20, 17)[2],
        TorchInit.parameters((1L << 32) + 5, 3, 20, 17)[2]);
    assertArrayEquals(TorchInit.parameters(-1, 3, 20, 17)[0],
        TorchInit.parameters(0xFFFF_FFFFL, 3, 20, 17)[0]);
  }

  /** The vectorised log and sine/cosine are Cephes polynomials: a few float ulps from exact. */
  @Test
  void avxMathFunctionsAreAccurate() {
    float maxUlpsLog = 0;
    float maxUlpsTrig = 0;
    for (int k = 1; k <= 1 << 16; k++) {
      float u = k * 0x1.0p-16f;
      maxUlpsLog = Math.max(maxUlpsLog, ulps(Avx2BoxMuller.log(u), StrictMath.log(u)));
      float theta = (float) (2 * Math.PI) * (k - 1) * 0x1.0p-16f;
      maxUlpsTrig = Math.max(maxUlpsTrig,
          Math.abs(Avx2BoxMuller.sin(theta) - (float) StrictMath.sin(theta)) / Math.ulp(1f));
      maxUlpsTrig = Math.max(maxUlpsTrig,
          Math.abs(Avx2BoxMuller.cos(theta) - (float) StrictMath.cos(theta)) / Math.ulp(1f));
    }
    assertTrue(maxUlpsLog <= 4, "log: " + maxUlpsLog + " ulps");
    assertTrue(maxUlpsTrig <= 2, "sin/cos: " + maxUlpsTrig + " ulps of 1");
  }

  private static float ulps(float got, double exact) {
    return exact == 0 ? Math.abs(got) / Float.MIN_NORMAL
        : (float) (Math.abs(got - exact) / Math.ulp((float) exact));
  }
}
