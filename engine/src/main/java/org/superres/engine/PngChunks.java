package org.superres.engine;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * XMP in PNG, which OpenCV 4.13 gets wrong both ways: it writes the packet into a Latin-1 tEXt
 * chunk (the XMP spec requires an iTXt chunk with keyword "XML:com.adobe.xmp") and reads it back
 * with trailing bytes of the chunk's CRC. So the packet is read from, and written as, an iTXt chunk
 * here; everything else in the file is left to OpenCV and libpng.
 */
final class PngChunks {
  private static final String XMP_KEYWORD = "XML:com.adobe.xmp";
  private static final int SIGNATURE = 8;

  private PngChunks() {}

  /**
   * The XMP packet of an iTXt (or legacy tEXt) chunk, or null. Stops at IDAT: XMP precedes the
   * pixels.
   */
  static byte[] xmp(byte[] png) {
    int i = SIGNATURE;
    while (i + 12 <= png.length) {
      int len = ByteBuffer.wrap(png, i, 4).getInt();
      String type = new String(png, i + 4, 4, StandardCharsets.US_ASCII);
      int data = i + 8;
      if (len < 0 || data + len > png.length || type.equals("IDAT")) {
        return null;
      }
      if ((type.equals("iTXt") || type.equals("tEXt")) && keywordIs(png, data, len)) {
        return type.equals("tEXt")
            ? Arrays.copyOfRange(png, data + XMP_KEYWORD.length() + 1, data + len)
            : itxtText(Arrays.copyOfRange(png, data + XMP_KEYWORD.length() + 1, data + len));
      }
      i = data + len + 4;
    }
    return null;
  }

  /** The PNG with an uncompressed iTXt XMP chunk inserted right after IHDR. */
  static byte[] withXmp(byte[] png, byte[] xmp) {
    int afterIhdr = SIGNATURE + 8 + 13 + 4;
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.write(XMP_KEYWORD.getBytes(StandardCharsets.US_ASCII), 0, XMP_KEYWORD.length());
    body.write(
        new byte[] {0, 0, 0, 0, 0},
        0,
        5); // NUL, not compressed, method 0, no language, no translation
    body.write(xmp, 0, xmp.length);
    byte[] data = body.toByteArray();
    ByteBuffer chunk = ByteBuffer.allocate(12 + data.length);
    byte[] type = "iTXt".getBytes(StandardCharsets.US_ASCII);
    CRC32 crc = new CRC32();
    crc.update(type);
    crc.update(data);
    chunk.putInt(data.length).put(type).put(data).putInt((int) crc.getValue());
    byte[] out = new byte[png.length + chunk.capacity()];
    System.arraycopy(png, 0, out, 0, afterIhdr);
    System.arraycopy(chunk.array(), 0, out, afterIhdr, chunk.capacity());
    System.arraycopy(png, afterIhdr, out, afterIhdr + chunk.capacity(), png.length - afterIhdr);
    return out;
  }

  private static boolean keywordIs(byte[] b, int data, int len) {
    byte[] k = (XMP_KEYWORD + "\0").getBytes(StandardCharsets.US_ASCII);
    return len >= k.length && Arrays.equals(Arrays.copyOfRange(b, data, data + k.length), k);
  }

  /** iTXt after its keyword: compression flag, method, language\0, translated keyword\0, text. */
  private static byte[] itxtText(byte[] rest) {
    if (rest.length < 4) return null;
    boolean compressed = rest[0] != 0;
    int p = 2;
    for (int nuls = 0; nuls < 2; p++) {
      if (p >= rest.length) return null;
      if (rest[p] == 0) nuls++;
    }
    byte[] text = Arrays.copyOfRange(rest, p, rest.length);
    return compressed ? inflate(text) : text;
  }

  private static byte[] inflate(byte[] z) {
    Inflater inf = new Inflater();
    inf.setInput(z);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buf = new byte[8192];
    try {
      while (!inf.finished()) {
        int n = inf.inflate(buf);
        if (n == 0 && (inf.needsInput() || inf.needsDictionary())) break;
        out.write(buf, 0, n);
      }
      return out.toByteArray();
    } catch (DataFormatException e) {
      return null; // a damaged XMP chunk is dropped, not a reason to fail the image
    } finally {
      inf.end();
    }
  }
}
