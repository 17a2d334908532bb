package io.hypernet.config;

/** The hidden-layer activation of a hypernet (REFERENCE.md, "Computation"). */
public enum Activation implements ColumnValue {
  NONE("none"),
  SIGMOID("sigmoid");

  private final String sqlName;

  Activation(String sqlName) {
    this.sqlName = sqlName;
  }

  @Override
  public String sqlName() {
    return sqlName;
  }

  /** Parses a configs-table value; null means the default {@code none}. */
  public static Activation parse(String value) {
    return ColumnValue.parse("activation", value, NONE);
  }
}
