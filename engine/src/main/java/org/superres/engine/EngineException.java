package org.superres.engine;

/**
 * A per-image failure with its kind, so that manifests and summaries can count errors by kind. The
 * message says what happened to this input and what to do.
 */
public class EngineException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final FailureKind kind;

  public EngineException(FailureKind kind, String message) {
    super(message);
    this.kind = kind;
  }

  public EngineException(FailureKind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
  }

  public FailureKind kind() {
    return kind;
  }
}
