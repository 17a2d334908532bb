package io.hypernet.engine;

/** The requested engine cannot run in this JVM (e.g. PyTorch natives missing). */
public class EngineUnavailableException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public EngineUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
