package io.hypernet.table;

/** Another writer changed the table in a way this run's commit may not overwrite. */
public final class TableConflictException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public TableConflictException(String message, Throwable cause) {
    super(message, cause);
  }
}
