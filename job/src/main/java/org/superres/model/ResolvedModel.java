package org.superres.model;

import org.superres.engine.ModelSpec;

/**
 * A model ready to ship: its spec (with the verified sha256) and a URI SparkContext.addFile
 * accepts.
 */
public final class ResolvedModel {
  public final ModelSpec spec;
  public final String uri;

  public ResolvedModel(ModelSpec spec, String uri) {
    this.spec = spec;
    this.uri = uri;
  }

  /** The name SparkFiles.get finds the file under on executors. */
  public String fileName() {
    return uri.substring(uri.lastIndexOf('/') + 1);
  }
}
