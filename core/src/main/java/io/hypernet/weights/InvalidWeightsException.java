package io.hypernet.weights;

/**
 * An imported weights file that cannot be used: malformed safetensors, or tensors that do not
 * fit the configuration. The message always names the file and, where there is one, the tensor,
 * so a rejected configuration tells its owner what to fix.
 */
public final class InvalidWeightsException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  private final String source;
  private final String tensor;

  /**
   * @param source the file, as the user named it
   * @param tensor the tensor at fault, or null when the problem is the file as a whole
   */
  public InvalidWeightsException(String source, String tensor, String problem) {
    super("safetensors file " + source + (tensor == null ? "" : ", tensor '" + tensor + "'")
        + ": " + problem);
    this.source = source;
    this.tensor = tensor;
  }

  public String source() {
    return source;
  }

  /** The tensor at fault, or null when the problem is the file as a whole. */
  public String tensor() {
    return tensor;
  }
}
