package org.superres.engine;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * XMP in JPEG: an XMP APP1 segment starts with the XMP namespace signature. OpenCV 4.13 writes the
 * block it is given as the APP1 payload as-is, and returns that payload signature included, so the
 * signature is added before writing and removed after reading.
 */
final class JpegSegments {
  static final byte[] XMP_SIGNATURE =
      "http://ns.adobe.com/xap/1.0/\0".getBytes(StandardCharsets.US_ASCII);

  private JpegSegments() {}

  /** The payload OpenCV must write into the APP1 segment: signature, then the packet. */
  static byte[] xmpPayload(byte[] xmp) {
    if (startsWith(xmp, 0, XMP_SIGNATURE)) return xmp;
    byte[] out = Arrays.copyOf(XMP_SIGNATURE, XMP_SIGNATURE.length + xmp.length);
    System.arraycopy(xmp, 0, out, XMP_SIGNATURE.length, xmp.length);
    return out;
  }

  /** The packet of an APP1 payload as OpenCV returns it. */
  static byte[] xmpPacket(byte[] payload) {
    return startsWith(payload, 0, XMP_SIGNATURE)
        ? Arrays.copyOfRange(payload, XMP_SIGNATURE.length, payload.length)
        : payload;
  }

  static boolean startsWith(byte[] b, int off, byte[] prefix) {
    if (b.length < off + prefix.length) return false;
    for (int i = 0; i < prefix.length; i++) {
      if (b[off + i] != prefix[i]) return false;
    }
    return true;
  }
}
