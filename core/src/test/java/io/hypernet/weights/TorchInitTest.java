package io.hypernet.weights;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hypernet.testing.Float64Reference;
import io.hypernet.testing.TorchFixtures.Case;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** REFERENCE.md, "PyTorch's stream": tinyBIG's frozen hypernet from its torch seed. */
class TorchInitTest {
  private static final Logger LOG = LoggerFactory.getLogger(TorchInitTest.class);

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
          Math.abs(sin(theta) - (float) StrictMath.sin(theta)) / Math.ulp(1f));
      maxUlpsTrig = Math.max(maxUlpsTrig,
          Math.abs(cos(theta) - (float) StrictMath.cos(theta)) / Math.ulp(1f));
    }
    assertTrue(maxUlpsLog <= 4, "log: " + maxUlpsLog + " ulps");
    assertTrue(maxUlpsTrig <= 2, "sin/cos: " + maxUlpsTrig + " ulps of 1");
  }

  private static float ulps(float got, double exact) {
    return exact == 0 ? Math.abs(got) / Float.MIN_NORMAL
        : (float) (Math.abs(got - exact) / Math.ulp((float) exact));
  }

  /**
   * The oracle: each fixture's state dict, saved by PyTorch on an AVX2 CPU right after
   * {@code torch.manual_seed(seed)}. Also logs how far PyTorch's own non-AVX2 draw of the same
   * net ({@code ATEN_CPU_CAPABILITY=default}) is from it, in the weights and in W.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("io.hypernet.testing.TorchFixtures#cases")
  void equalsPyTorchsStateDictsBitForBit(Case c) {
    HypernetWeights torch = HypernetWeights.seeded(c.torchInit());
    HypernetWeights nonAvx2 = HypernetWeights.imported(c.config(),
        c.stateDict("default_cpu_F32"));
    float[][] ours = tensors(torch);
    float[][] avx2 = tensors(HypernetWeights.imported(c.config(), c.stateDict("F32")));
    float[][] scalar = tensors(nonAvx2);
    int differing = 0;
    int elements = 0;
    float largest = 0;
    for (int p = 0; p < ours.length; p++) {
      assertArrayEquals(avx2[p], ours[p], "tensor " + p + " (A1, b1, A2, b2) of " + c);
      for (int i = 0; i < ours[p].length; i++) {
        float difference = Math.abs(ours[p][i] - scalar[p][i]);
        differing += difference == 0 ? 0 : 1;
        largest = Math.max(largest, difference);
        elements++;
      }
    }
    LOG.info("init=torch, case {}: PyTorch's AVX2 state dict bit for bit; its non-AVX2 draw "
        + "differs in {} of {} elements, by at most {} (of values ~N(0, 1)), and its float64 W "
        + "by at most {} of max|W| of the row", c, differing, elements,
        String.format(Locale.ROOT, "%.2e", largest),
        String.format(Locale.ROOT, "%.2e", largestRowDifference(c, torch, nonAvx2)));
  }

  /** The largest relative row difference of the two nets' float64 W over the case's w. */
  private static double largestRowDifference(Case c, HypernetWeights a, HypernetWeights b) {
    float[] w = c.w();
    double largest = 0;
    for (int r = 0; r < c.rows(); r++) {
      float[] row = Arrays.copyOfRange(w, r * c.l(), (r + 1) * c.l());
      largest = Math.max(largest, Float64Reference.relativeError(
          Float64Reference.evaluate(a, row), Float64Reference.evaluate(b, row)));
    }
    return largest;
  }

  private static float[][] tensors(HypernetWeights weights) {
    return new float[][] {weights.a1(), weights.b1(), weights.a2(), weights.b2()};
  }

  private static float sin(float x) {
    return Float.intBitsToFloat((int) (Avx2BoxMuller.sinCos(x) >>> 32));
  }

  private static float cos(float x) {
    return Float.intBitsToFloat((int) Avx2BoxMuller.sinCos(x));
  }
}
