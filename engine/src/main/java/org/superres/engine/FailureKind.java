package org.superres.engine;

import java.util.Locale;

/**
 * Why an input failed, as one short word that manifests (column {@code error_kind}, and the start
 * of {@code error}) and summaries ({@code errors_by_kind}) count by. The label is the contract; the
 * constant names are this code's.
 */
public enum FailureKind {
  /** A 0-byte file. */
  EMPTY,
  /** Text, HTML, PDF or unknown bytes with an image's extension. */
  NOT_AN_IMAGE,
  /** A corrupt or truncated image. */
  DECODE,
  /** Over limits.max-input-pixels (by its header) or limits.max-input-bytes. */
  LIMITS,
  /** An image the engine cannot process (float samples, odd channel counts). */
  UNSUPPORTED,
  /** Gone between listing and reading. */
  MISSING,
  /**
   * Listed, but not a regular file: a named pipe, socket, device or dangling link (never opened).
   */
  NOT_A_FILE,
  /** Not finished within limits.input-timeout (a stalled read, decode or inference). */
  TIMEOUT,
  /** Reading or writing failed. */
  IO,
  /** The encoder refused the output. */
  ENCODE,
  /** Planning refused the input (two inputs map to one output). */
  PLAN,
  /** The model cannot be loaded or was changed during the run. */
  MODEL,
  /** The configured device cannot be used on this executor. */
  DEVICE,
  /** OpenCV's native libraries did not load. */
  NATIVES,
  /** A bug: please report it. */
  INTERNAL;

  /** The manifest's word: lower case, '-' between words ("not-an-image"). */
  public String label() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** The kind a label names; IllegalArgumentException for anything else. */
  public static FailureKind ofLabel(String label) {
    return valueOf(label.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
  }

  @Override
  public String toString() {
    return label();
  }
}
