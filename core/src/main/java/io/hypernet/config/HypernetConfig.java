package io.hypernet.config;

import io.hypernet.text.BoundedText;
import java.io.Serializable;
import java.util.Objects;

/**
 * One row of the configurations table (REFERENCE.md, "Configurations") with its defaults applied.
 *
 * <p>Instances are only created through {@link ConfigValidator}, so every instance describes a
 * hypernet that can be built: positive sizes, a known activation, sizes within {@link SizeLimits}.
 */
public final class HypernetConfig implements Serializable {
  private static final long serialVersionUID = 1L;

  public static final int DEFAULT_HIDDEN_DIM = 128;
  public static final long DEFAULT_SEED = 0L;

  private final String configId;
  private final int l;
  private final int n;
  private final int d;
  private final int hiddenDim;
  private final long seed;
  private final Activation activation;
  private final WeightsInit init;
  /** Null for seed-derived weights; else the safetensors file, with its digest once read. */
  private final String weightsSource;

  HypernetConfig(String configId, int l, int n, int d, int hiddenDim, long seed,
      Activation activation, WeightsInit init, String weightsSource) {
    this.configId = Objects.requireNonNull(configId, "configId");
    this.l = l;
    this.n = n;
    this.d = d;
    this.hiddenDim = hiddenDim;
    this.seed = seed;
    this.activation = Objects.requireNonNull(activation, "activation");
    this.init = Objects.requireNonNull(init, "init");
    this.weightsSource = weightsSource;
  }

  public String configId() {
    return configId;
  }

  /** Length of the input vector w. */
  public int l() {
    return l;
  }

  /** Rows of the output matrix W. */
  public int n() {
    return n;
  }

  /** Columns of the output matrix W. */
  public int d() {
    return d;
  }

  public int hiddenDim() {
    return hiddenDim;
  }

  public long seed() {
    return seed;
  }

  public Activation activation() {
    return activation;
  }

  /** Which generator makes the frozen weights from the seed; not used by an imported hypernet. */
  public WeightsInit init() {
    return init;
  }

  /**
   * True for a trained hypernet whose weights come from a safetensors file (REFERENCE.md, "Trained
   * hypernets").
   */
  public boolean isImported() {
    return weightsSource != null;
  }

  /** The safetensors file of an imported hypernet, as configured (plus a digest once read). */
  public String weightsSource() {
    return weightsSource;
  }

  /**
   * This configuration with the weights' identity pinned, e.g. the file plus its content digest,
   * so that executor caches keyed by configuration never serve an older file's weights.
   */
  public HypernetConfig withWeightsSource(String source) {
    return new HypernetConfig(configId, l, n, d, hiddenDim, seed, activation, init,
        Objects.requireNonNull(source, "source"));
  }

  /** n·D, the length of the flattened W; {@link ConfigValidator} guarantees it fits an int. */
  public int outputSize() {
    return n * d;
  }

  /** Number of float parameters of the frozen MLP: A1, b1, A2, b2. */
  public long parameterCount() {
    return SizeLimits.parameterCount(l, hiddenDim, (long) n * d);
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof HypernetConfig)) {
      return false;
    }
    HypernetConfig c = (HypernetConfig) o;
    return configId.equals(c.configId) && l == c.l && n == c.n && d == c.d
        && hiddenDim == c.hiddenDim && seed == c.seed && activation == c.activation
        && init == c.init && Objects.equals(weightsSource, c.weightsSource);
  }

  @Override
  public int hashCode() {
    return Objects.hash(configId, l, n, d, hiddenDim, seed, activation, init, weightsSource);
  }

  @Override
  public String toString() {
    return "config '" + BoundedText.of(configId) + "' (l=" + l + ", n=" + n + ", D=" + d
        + ", hidden_dim=" + hiddenDim
        + (isImported() ? ", weights=" + BoundedText.of(weightsSource)
            : ", seed=" + seed + ", init=" + init.sqlName())
        + ", activation=" + activation.sqlName() + ")";
  }
}
