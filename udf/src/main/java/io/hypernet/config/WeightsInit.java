package io.hypernet.config;

import io.hypernet.text.BoundedText;
import java.util.Locale;

/** How a frozen random hypernet's weights follow from its seed (REFERENCE.md, "Weight init"). */
public enum WeightsInit {
  /** The project's counter-based generator: any element computable on its own, anywhere. */
  SEEDED("seeded"),
  /** PyTorch's CPU stream after {@code torch.manual_seed(seed)}, as tinyBIG builds the net. */
  TORCH("torch");

  private final String sqlName;

  WeightsInit(String sqlName) {
    this.sqlName = sqlName;
  }

  /** The name used in the configs' {@code init} column. */
  public String sqlName() {
    return sqlName;
  }

  /** Parses a configs-table value; null means the default {@code seeded}. */
  public static WeightsInit parse(String value) {
    if (value == null) {
      return SEEDED;
    }
    String v = value.trim().toLowerCase(Locale.ROOT);
    for (WeightsInit i : values()) {
      if (i.sqlName.equals(v)) {
        return i;
      }
    }
    throw new IllegalArgumentException(
        "unknown init '" + BoundedText.of(value) + "' (expected 'seeded' or 'torch')");
  }
}
