package io.hypernet.weights;

import io.hypernet.config.Activation;
import io.hypernet.config.HypernetConfig;
import java.io.Serializable;

/**
 * The frozen parameters of one hypernet, row-major as in PyTorch's {@code nn.Linear}:
 * A1 [hidden × l], b1 [hidden], A2 [n·D × hidden], b2 [n·D]. Built once per configuration on the
 * driver and broadcast; engines turn it into their own device-resident form.
 */
public final class HypernetWeights implements Serializable {
  private static final long serialVersionUID = 1L;

  private final HypernetConfig config;
  private final float[] a1;
  private final float[] b1;
  private final float[] a2;
  private final float[] b2;

  private HypernetWeights(HypernetConfig config, float[] a1, float[] b1, float[] a2, float[] b2) {
    this.config = config;
    this.a1 = a1;
    this.b1 = b1;
    this.a2 = a2;
    this.b2 = b2;
  }

  /** The seed-derived weights of SPEC §3. */
  public static HypernetWeights seeded(HypernetConfig config) {
    long seed = config.seed();
    int l = config.l();
    int hidden = config.hiddenDim();
    int out = config.outputSize();
    return new HypernetWeights(config,
        SeededWeights.fill(seed, SeededWeights.A1, new float[hidden * l]),
        SeededWeights.fill(seed, SeededWeights.B1, new float[hidden]),
        SeededWeights.fill(seed, SeededWeights.A2, new float[Math.multiplyExact(out, hidden)]),
        SeededWeights.fill(seed, SeededWeights.B2, new float[out]));
  }

  public HypernetConfig config() {
    return config;
  }

  public int inputSize() {
    return config.l();
  }

  public int hiddenSize() {
    return config.hiddenDim();
  }

  public int outputSize() {
    return config.outputSize();
  }

  public Activation activation() {
    return config.activation();
  }

  /** A1, [hidden × l] row-major. Callers must not modify the returned arrays. */
  public float[] a1() {
    return a1;
  }

  public float[] b1() {
    return b1;
  }

  /** A2, [n·D × hidden] row-major. */
  public float[] a2() {
    return a2;
  }

  public float[] b2() {
    return b2;
  }

  public long sizeInBytes() {
    return (long) (a1.length + b1.length + a2.length + b2.length) * Float.BYTES;
  }
}
