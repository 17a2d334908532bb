package io.hypernet.spark;

/** The input's schema cannot be reconciled: a missing column or one of the wrong type. */
public class InputSchemaException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public InputSchemaException(String message) {
    super(message);
  }
}
