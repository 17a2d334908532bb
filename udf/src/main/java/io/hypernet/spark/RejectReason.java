package io.hypernet.spark;

/**
 * Why an input row was not reconciled; the {@link #code()} is what the rejects dataset's
 * {@code reason} column holds, in the order the checks apply (first match wins) on every front
 * end: the batch path, the pass-through form and the SQL functions.
 */
public enum RejectReason {
  NULL_ID("null_id"),
  NULL_CONFIG_ID("null_config_id"),
  UNKNOWN_CONFIG_ID("unknown_config_id"),
  INVALID_CONFIG("invalid_config"),
  NULL_W("null_w"),
  WRONG_W_LENGTH("wrong_w_length"),
  /** A NaN or infinite element (as float32), whatever else w holds. */
  NON_FINITE_W("non_finite_w"),
  /** A null element, and every other element finite. */
  NULL_W_ELEMENT("null_w_element");

  private final String code;

  RejectReason(String code) {
    this.code = code;
  }

  public String code() {
    return code;
  }
}
