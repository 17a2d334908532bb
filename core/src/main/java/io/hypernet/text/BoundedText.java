package io.hypernet.text;

import java.util.regex.Pattern;

/**
 * Bounds text that comes from files or input rows (config_id values, URIs, file content quoted in
 * an error) before it goes into {@code reason_detail}, the report, a message or a log line: a
 * 1 MB config_id must not become a 1 MB log line. Counted in characters (Unicode code points),
 * as Spark SQL's {@code length} and {@code substring} count, so the SQL form of this rule
 * (RowClassifier) cuts at the same place.
 */
public final class BoundedText {
  /** Characters kept. */
  public static final int MAX_CHARS = 1024;
  private static final Pattern BOUNDED = Pattern.compile("… \\(\\d+ more characters\\)");

  private BoundedText() {}

  /** {@code text} itself, or its first {@link #MAX_CHARS} characters and what was cut. */
  public static String of(String text) {
    if (text == null || text.length() <= MAX_CHARS) {
      return text;
    }
    int total = text.codePointCount(0, text.length());
    if (total <= MAX_CHARS) {
      return text;
    }
    int cut = text.offsetByCodePoints(0, MAX_CHARS);
    if (BOUNDED.matcher(text).region(cut, text.length()).matches()) {
      return text; // bounded already, e.g. read back from a report
    }
    return text.substring(0, cut) + suffix(total - MAX_CHARS);
  }

  /** The first line of an exception's message, bounded: what one-line errors quote of a cause. */
  public static String firstLine(Throwable e) {
    String message = String.valueOf(e.getMessage());
    int newline = message.indexOf('\n');
    return of(newline < 0 ? message : message.substring(0, newline));
  }

  /** What follows the kept characters: "… (N more characters)". */
  public static String suffix(long more) {
    return "… (" + more + " more characters)";
  }
}
