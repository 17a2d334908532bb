package io.hypernet.config;

/**
 * A configurations-table row as read, before defaults and validation: every field may be null.
 *
 * @param source where the row came from (file or table), for error messages
 */
public record ConfigRow(
    String configId,
    Integer l,
    Integer n,
    Integer d,
    Integer hiddenDim,
    Long seed,
    Boolean isStatic,
    String activation,
    String weights,
    String source) {}
