package io.hypernet.spark.internal;

import java.util.Arrays;
import java.util.Locale;

/**
 * Names of the columns the classifier adds to the input (w as floats, the configuration lookup,
 * the reason), under a prefix that no input column starts with, so input columns of any name
 * pass through untouched. Spark resolves names case-insensitively by default, and so does this.
 */
public final class InternalColumns {
  private final String prefix;

  private InternalColumns(String prefix) {
    this.prefix = prefix;
  }

  /** {@code __hn_}, or {@code __hn1_}, {@code __hn2_}, ... when the input already uses it. */
  public static InternalColumns avoiding(String[] inputColumns) {
    String prefix = "__hn_";
    for (int i = 1; startsAny(inputColumns, prefix); i++) {
      prefix = "__hn" + i + "_";
    }
    return new InternalColumns(prefix);
  }

  private static boolean startsAny(String[] columns, String prefix) {
    return Arrays.stream(columns)
        .anyMatch(c -> c.toLowerCase(Locale.ROOT).startsWith(prefix.toLowerCase(Locale.ROOT)));
  }

  /** w as array&lt;float&gt;, whatever the input type was. */
  public String w() {
    return prefix + "w";
  }

  public String reason() {
    return prefix + "reason";
  }

  public String reasonDetail() {
    return prefix + "reason_detail";
  }

  /** The configuration lookup joined to every row (see {@link HypernetCatalog#configsFrame}). */
  public String configId() {
    return prefix + "config_id";
  }

  public String l() {
    return prefix + "l";
  }

  public String n() {
    return prefix + "n";
  }

  public String d() {
    return prefix + "D";
  }

  public String invalidReason() {
    return prefix + "invalid_reason";
  }
}
