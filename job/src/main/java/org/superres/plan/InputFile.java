package org.superres.plan;

import java.io.Serializable;

/** One listed input: where it is, where it sits below its listing root, and what listing saw. */
public final class InputFile implements Serializable {
  private static final long serialVersionUID = 3L;

  public final String uri;

  /** Path below its listing root, '/'-separated, never starting with '/' nor holding "..". */
  public final String relativePath;

  /** Bytes as listed (0 when a list did not say and the file could not be found). */
  public final long size;

  /** Modification time as listed (epoch ms), or null when unknown. */
  public final Long modificationTime;

  public InputFile(String uri, String relativePath, long size, Long modificationTime) {
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
