package io.hypernet.config;

/**
 * How a frozen random hypernet's weights follow from its seed (REFERENCE.md, "Weight generator"
 * and "PyTorch's stream").
 */
public enum WeightsInit implements ColumnValue {
  /** The project's counter-based generator: any element computable on its own, anywhere. */
  SEEDED("seeded"),
  /** PyTorch's CPU stream after {@code torch.manual_seed(seed)}, as tinyBIG builds the net. */
  TORCH("torch");

  private final String sqlName;

  WeightsInit(String sqlName) {
    this.sqlName = sqlName;
  }

  @Override
  public String sqlName() {
    return sqlName;
  }

  /** Parses a configs-table value; null means the default {@code seeded}. */
  public static WeightsInit parse(String value) {
    return ColumnValue.parse("init", value, SEEDED);
  }
}
