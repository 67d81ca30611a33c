package org.superres.job;

import java.io.Serializable;

/**
 * One listed input: where it is, where it sits below its listing root, and what the listing saw.
 */
public final class InputFile implements Serializable {
  private static final long serialVersionUID = 2L;

  public final String uri;

  /**
   * Path below its listing root, '/'-separated, never starting with '/' and never containing "..".
   */
  public final String relativePath;

  public final long size;
  public final long modificationTime;

  public InputFile(String uri, String relativePath, long size, long modificationTime) {
    this.uri = uri;
    this.relativePath = relativePath;
    this.size = size;
    this.modificationTime = modificationTime;
  }

  @Override
  public String toString() {
    return uri;
  }
}
