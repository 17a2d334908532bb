package io.hypernet.config;

import io.hypernet.text.BoundedText;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** A configurations-table value spelled by name, such as an activation. */
interface ColumnValue {
  /** The name used in the configurations table. */
  String sqlName();

  /** The constant named {@code value} (trimmed, any case); null means {@code fallback}. */
  static <E extends Enum<E> & ColumnValue> E parse(String column, String value, E fallback) {
    if (value == null) {
      return fallback;
    }
    String name = value.trim().toLowerCase(Locale.ROOT);
    E[] all = fallback.getDeclaringClass().getEnumConstants();
    for (E constant : all) {
      if (constant.sqlName().equals(name)) {
        return constant;
      }
    }
    throw new IllegalArgumentException("unknown " + column + " '" + BoundedText.of(value)
        + "' (expected " + Arrays.stream(all).map(c -> "'" + c.sqlName() + "'")
            .collect(Collectors.joining(" or ")) + ")");
  }
}
