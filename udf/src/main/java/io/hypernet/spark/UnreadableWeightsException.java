package io.hypernet.spark;

/**
 * A configuration's weights file cannot be opened or read (missing, a directory, no permission,
 * an I/O error): the run stops before writing, unlike a readable file of the wrong shape, which
 * only invalidates its configuration.
 */
public class UnreadableWeightsException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public UnreadableWeightsException(String message, Throwable cause) {
    super(message, cause);
  }
}
