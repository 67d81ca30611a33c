package org.superres.engine;

import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Objects;

/**
 * What a model is: a name for people, its kind and scale for OpenCV, and the sha256 of its file as
 * its identity. The same spec travels from the driver to the executors, where the file is found
 * again locally.
 */
public final class ModelSpec implements Serializable {
  private static final long serialVersionUID = 1L;

  private final String name;
  private final ModelKind kind;
  private final int scale;
  private final String sha256;

  public ModelSpec(String name, ModelKind kind, int scale, String sha256) {
    this.name = Objects.requireNonNull(name, "name");
    this.kind = Objects.requireNonNull(kind, "kind");
    if (scale < 2 || scale > 8) {
      throw new IllegalArgumentException("model scale must be 2..8, got " + scale);
    }
    this.scale = scale;
    this.sha256 = Objects.requireNonNull(sha256, "sha256");
  }

  public String name() {
    return name;
  }

  public ModelKind kind() {
    return kind;
  }

  public int scale() {
    return scale;
  }

  public String sha256() {
    return sha256;
  }

  /** Hex sha256 of a file, streamed. */
  public static String sha256Of(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      return sha256Of(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read model file " + file, e);
    }
  }

  public static String sha256Of(InputStream in) throws IOException {
    MessageDigest md;
    try {
      md = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    byte[] buf = new byte[1 << 16];
    for (int n; (n = in.read(buf)) > 0; ) {
      md.update(buf, 0, n);
    }
    StringBuilder sb = new StringBuilder(64);
    for (byte b : md.digest()) {
      sb.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
    }
    return sb.toString();
  }

  @Override
  public String toString() {
    return name
        + " ("
        + kind.opencvName()
        + " x"
        + scale
        + ", sha256 "
        + sha256.substring(0, 12)
        + ")";
  }
}
