package io.hypernet.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hypernet.config.Activation;
import io.hypernet.config.TestConfigs;
import io.hypernet.weights.HypernetWeights;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import java.util.StringJoiner;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The scalar FMA path (a JVM without {@code jdk.incubator.vector}) and the vector kernel give
 * bit-identical W: both evaluate each output as the same chain of FMAs. The scalar side runs in
 * a child JVM started without the module, since the choice is made per JVM.
 */
class ScalarKernelTest {
  /** Shapes whose outputs are not multiples of the vector panel, so the padded tail runs too. */
  private static final int L = 13;
  private static final int N = 7;
  private static final int D = 11;
  private static final int HIDDEN = 50;
  private static final int ROWS = 70;

  /** The child JVM's entry point: prints the kernel in use, then W as float bits. */
  public static final class Main {
    public static void main(String[] args) {
      System.out.println(FmaLayer.implementation());
      System.out.println(bits(compute(Activation.valueOf(args[0]))));
    }
  }

  static float[] compute(Activation activation) {
    HypernetWeights weights = HypernetWeights.seeded(
        TestConfigs.config("scalar", L, N, D, HIDDEN, 99, activation));
    Random random = new Random(5);
    float[] w = new float[ROWS * L];
    for (int i = 0; i < w.length; i++) {
      w[i] = (float) random.nextGaussian();
    }
    float[] out = new float[ROWS * N * D];
    try (JvmEngine engine = new JvmEngine(); BatchReconciler reconciler = engine.load(weights)) {
      reconciler.reconcile(w, ROWS, out);
    }
    return out;
  }

  static String bits(float[] values) {
    StringJoiner joined = new StringJoiner(",");
    for (float v : values) {
      joined.add(Integer.toHexString(Float.floatToRawIntBits(v)));
    }
    return joined.toString();
  }

  @Test
  void scalarAndVectorPathsAreBitIdentical() throws IOException, InterruptedException {
    assertTrue(FmaLayer.VECTORIZED, "this test JVM runs with the vector module");
    String java = ProcessHandle.current().info().command().orElse("java");
    for (Activation activation : Activation.values()) {
      Process child = new ProcessBuilder(List.of(java, "-cp",
          System.getProperty("java.class.path"), Main.class.getName(), activation.name()))
          .redirectErrorStream(false).start();
      String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(child.waitFor(2, TimeUnit.MINUTES), "child JVM finished");
      assertEquals(0, child.exitValue(),
          new String(child.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
      List<String> lines = output.lines().toList();
      assertEquals("scalar-fma", lines.get(lines.size() - 2), output);
      assertEquals(bits(compute(activation)), lines.get(lines.size() - 1), activation.name());
    }
  }
}
