package io.hypernet.spark;

/** A row could not be reconciled under {@link OnBadRow#FAIL}; the message gives its reason. */
public class BadRowException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public BadRowException(String message) {
    super(message);
  }
}
