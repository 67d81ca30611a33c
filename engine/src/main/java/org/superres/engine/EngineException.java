package org.superres.engine;

/**
 * A per-image failure with a short kind ("decode", "limits", "unsupported", ...) so that manifests
 * and summaries can count errors by kind. The message says what happened to this input and what to
 * do.
 */
public class EngineException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String kind;

  public EngineException(String kind, String message) {
    super(message);
    this.kind = kind;
  }

  public EngineException(String kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
  }

  public String kind() {
    return kind;
  }
}
