package io.hypernet.spark;

/**
 * The configurations table cannot be used at all: missing, unreadable, empty, or a required
 * column missing or of the wrong type. (A bad row only invalidates its own configuration.)
 */
public class InvalidConfigsException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public InvalidConfigsException(String message, Throwable cause) {
    super(message, cause);
  }
}
