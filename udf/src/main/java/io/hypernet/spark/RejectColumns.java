package io.hypernet.spark;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The rejects dataset's column names: every input column, then {@code reason} and
 * {@code reason_detail}, which always hold this run's verdict. An input column that already has
 * one of those names (case-insensitively; e.g. a previous run's rejects fed back as input) is
 * renamed {@code input_<name>}, or {@code input_<name>_2}, {@code _3}, ... when that is taken too,
 * keeping its values; so rejects can be fed back any number of times.
 */
public final class RejectColumns {
  public static final String REASON = "reason";
  public static final String REASON_DETAIL = "reason_detail";

  private RejectColumns() {}

  /** The rejects' name for each input column, in input order. */
  public static List<String> inputNames(String[] inputColumns) {
    Set<String> taken = new HashSet<>();
    for (String c : inputColumns) {
      taken.add(lower(c));
    }
    taken.add(REASON);
    taken.add(REASON_DETAIL);
    List<String> names = new ArrayList<>();
    for (String c : inputColumns) {
      if (!isReasonColumn(c)) {
        names.add(c);
        continue;
      }
      String name = "input_" + c;
      for (int i = 2; taken.contains(lower(name)); i++) {
        name = "input_" + c + "_" + i;
      }
      taken.add(lower(name));
      names.add(name);
    }
    return names;
  }

  static boolean isReasonColumn(String column) {
    return lower(column).equals(REASON) || lower(column).equals(REASON_DETAIL);
  }

  private static String lower(String s) {
    return s.toLowerCase(Locale.ROOT);
  }
}
