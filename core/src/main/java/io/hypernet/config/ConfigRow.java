package io.hypernet.config;

/**
 * A configurations-table row as read, before defaults and validation: every field may be null.
 * Sizes are held as longs, as wide as the table may store them, so that a value beyond the int
 * range is rejected with its real value instead of wrapping into a valid-looking size.
 *
 * @param source where the row came from (file or table), for error messages
 */
public record ConfigRow(
    String configId,
    Long l,
    Long n,
    Long d,
    Long hiddenDim,
    Long seed,
    Boolean isStatic,
    String activation,
    String weights,
    String init,
    String source) {

  /**
   * A row whose sizes are ints and whose init is the default, as most callers building one by
   * hand have them.
   */
  public ConfigRow(String configId, Integer l, Integer n, Integer d, Integer hiddenDim, Long seed,
      Boolean isStatic, String activation, String weights, String source) {
    this(configId, widen(l), widen(n), widen(d), widen(hiddenDim), seed, isStatic, activation,
        weights, null, source);
  }

  private static Long widen(Integer value) {
    return value == null ? null : value.longValue();
  }
}
