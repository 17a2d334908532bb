package io.hypernet.config;

/** Builds validated configurations for tests. */
public final class TestConfigs {
  private TestConfigs() {}

  public static HypernetConfig config(String id, int l, int n, int d, int hidden, long seed,
      Activation activation) {
    ConfigRow row = new ConfigRow(id, l, n, d, hidden, seed, true, activation.sqlName(), null,
        "test");
    ConfigValidator.Result result =
        new ConfigValidator(new SizeLimits(1L << 30)).validate(java.util.List.of(row));
    if (result.valid().size() != 1) {
      throw new IllegalArgumentException(result.invalid().toString());
    }
    return result.valid().get(0);
  }
}
