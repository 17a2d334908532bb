package io.hypernet.config;

import io.hypernet.text.BoundedText;
import java.util.Locale;

/** The hidden-layer activation of a hypernet (REFERENCE.md, "Computation"). */
public enum Activation {
  NONE("none"),
  SIGMOID("sigmoid");

  private final String sqlName;

  Activation(String sqlName) {
    this.sqlName = sqlName;
  }

  /** The name used in the configs' {@code activation} column. */
  public String sqlName() {
    return sqlName;
  }

  /** Parses a configs-table value; null means the default {@code none}. */
  public static Activation parse(String value) {
    if (value == null) {
      return NONE;
    }
    String v = value.trim().toLowerCase(Locale.ROOT);
    for (Activation a : values()) {
      if (a.sqlName.equals(v)) {
        return a;
      }
    }
    throw new IllegalArgumentException(
        "unknown activation '" + BoundedText.of(value) + "' (expected 'none' or 'sigmoid')");
  }
}
