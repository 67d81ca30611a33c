package org.superres.config;

/** A wrong key, value or command-line option: the run stops before any work, with exit code 2. */
public final class ConfigError extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ConfigError(String message) {
    super(message);
  }
}
