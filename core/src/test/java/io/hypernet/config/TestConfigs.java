package io.hypernet.config;

/** Builds validated configurations for tests. */
public final class TestConfigs {
  private TestConfigs() {}

  public static HypernetConfig config(String id, int l, int n, int d, int hidden, long seed,
      Activation activation) {
    return config(id, l, n, d, hidden, seed, activation, WeightsInit.SEEDED);
  }

  public static HypernetConfig config(String id, int l, int n, int d, int hidden, long seed,
      Activation activation, WeightsInit init) {
    ConfigRow row = new ConfigRow(id, (long) l, (long) n, (long) d, (long) hidden, seed, true,
        activation.sqlName(), null, init.sqlName(), "test");
    ConfigValidator.Result result =
        new ConfigValidator(new SizeLimits(1L << 30)).validate(java.util.List.of(row));
    if (result.valid().size() != 1) {
      throw new IllegalArgumentException(result.invalid().toString());
    }
    return result.valid().get(0);
  }
}
