package io.hypernet.job.failure;

/**
 * A run that must stop with a defined exit code (REFERENCE.md, "Exit codes") and one clear message.
 */
public class JobFailure extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Invalid invocation or inputs detected before writing; nothing was written. */
  public static final int INVALID_INPUT = 2;
  /**
   * Reject fraction exceeded, or a bad row or duplicate id under --on-bad-row fail; nothing was
   * published.
   */
  public static final int POLICY_VIOLATION = 3;

  private final int exitCode;

  public JobFailure(int exitCode, String message) {
    super(message);
    this.exitCode = exitCode;
  }

  public JobFailure(int exitCode, String message, Throwable cause) {
    super(message, cause);
    this.exitCode = exitCode;
  }

  public static JobFailure invalidInput(String message) {
    return new JobFailure(INVALID_INPUT, message);
  }

  public int exitCode() {
    return exitCode;
  }
}
