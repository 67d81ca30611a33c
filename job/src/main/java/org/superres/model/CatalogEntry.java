package org.superres.model;

import org.superres.engine.ModelKind;

/**
 * One model of the catalog: what it is, which file, its checksum, where to get it, under which
 * license.
 */
public final class CatalogEntry {
  public final String name;
  public final ModelKind kind;
  public final int scale;
  public final String file;
  public final String sha256;
  public final long bytes;
  public final String url;
  public final String license;

  /** Shipped inside the application jar (the project's own model). */
  public final boolean bundled;

  CatalogEntry(
      String name,
      ModelKind kind,
      int scale,
      String file,
      String sha256,
      long bytes,
      String url,
      String license,
      boolean bundled) {
    this.name = name;
    this.kind = kind;
    this.scale = scale;
    this.file = file;
    this.sha256 = sha256;
    this.bytes = bytes;
    this.url = url;
    this.license = license;
    this.bundled = bundled;
  }
}
