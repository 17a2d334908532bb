package io.hypernet.config;

import io.hypernet.text.BoundedText;
import java.io.Serializable;
import java.util.Objects;

/**
 * One row of the configurations table (REFERENCE.md, "Configurations") with its defaults applied.
 *
 * <p>{@link ConfigValidator} makes them from table rows, checking them against the size limits;
 * the constructor itself refuses what no hypernet can be built from, so every instance describes
 * one.
 *
 * @param l length of the input vector w
 * @param n rows of the output matrix W
 * @param d columns of the output matrix W
 * @param init which generator makes the frozen weights from the seed; not used by an imported
 *     hypernet
 * @param weightsSource null for seed-derived weights; else the safetensors file, with its digest
 *     once read
 */
public record HypernetConfig(String configId, int l, int n, int d, int hiddenDim, long seed,
    Activation activation, WeightsInit init, String weightsSource) implements Serializable {
  public static final int DEFAULT_HIDDEN_DIM = 128;
  public static final long DEFAULT_SEED = 0L;

  public HypernetConfig {
    Objects.requireNonNull(configId, "configId");
    Objects.requireNonNull(activation, "activation");
    Objects.requireNonNull(init, "init");
    if (l <= 0 || n <= 0 || d <= 0 || hiddenDim <= 0 || (long) n * d > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("no hypernet has l=" + l + ", n=" + n + ", D=" + d
          + ", hidden_dim=" + hiddenDim);
    }
  }

  /**
   * True for a trained hypernet whose weights come from a safetensors file (REFERENCE.md, "Trained
   * hypernets").
   */
  public boolean isImported() {
    return weightsSource != null;
  }

  /**
   * This configuration with the weights' identity pinned, e.g. the file plus its content digest,
   * so that executor caches keyed by configuration never serve an older file's weights.
   */
  public HypernetConfig withWeightsSource(String source) {
    return new HypernetConfig(configId, l, n, d, hiddenDim, seed, activation, init,
        Objects.requireNonNull(source, "source"));
  }

  /** n·D, the length of the flattened W (the constructor checks that it fits an int). */
  public int outputSize() {
    return n * d;
  }

  /** Number of float parameters of the frozen MLP: A1, b1, A2, b2. */
  public long parameterCount() {
    return SizeLimits.parameterCount(l, hiddenDim, (long) n * d);
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
