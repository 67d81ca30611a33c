package org.superres.testing;

import static org.bytedeco.opencv.global.opencv_imgcodecs.IMAGE_METADATA_EXIF;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMAGE_METADATA_ICCP;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_UNCHANGED;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMWRITE_JPEG_PROGRESSIVE;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMWRITE_JPEG_QUALITY;

import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.color.ICC_Profile;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.MatVector;

/**
 * A corpus of hostile and odd inputs, generated from nothing (no third-party files): OpenCV's
 * encoders where they have the option (progressive JPEG, 16-bit PNG/TIFF, float TIFF, EXIF and ICC
 * blocks), the JDK's ImageIO writers where OpenCV has none (palette PNG, grey+alpha PNG, animated
 * GIF, multi-page TIFF, 4-component CMYK JPEG via writeRaster), and byte surgery for lying headers
 * and truncation. Every case carries what the manifest must say about it.
 */
public final class HostileCorpus {
  /** Files over this size are refused by the corpus run's limits.max-input-bytes. */
  public static final long MAX_BYTES = 200_000;

  /** One input and its expected manifest row. */
  public static final class Case {
    public final String name;
    public final String status;

    /** A substring of the error (failed) or of the note (ok/skipped); null = must be null. */
    public final String text;

    /** Expected output size (ok only), or 0 when not checked. */
    public int outWidth;

    public int outHeight;
    public Integer bitDepth;
    public String note;

    Case(String name, String status, String text) {
      this.name = name;
      this.status = status;
      this.text = text;
    }

    Case out(int w, int h) {
      this.outWidth = w;
      this.outHeight = h;
      return this;
    }

    Case depth(int d) {
      this.bitDepth = d;
      return this;
    }

    Case note(String n) {
      this.note = n;
      return this;
    }
  }

  public final List<Case> cases = new ArrayList<>();

  /** Deleted after listing, before reading (by the test's afterPlanning hook). */
  public static final String VANISHING = "vanishes.png";

  /** Writes every case below {@code dir}. Relative names may hold sub-directories. */
  public HostileCorpus write(Path dir) throws IOException {
    int s = 3; // the model's scale
    put(
        dir,
        "empty.png",
        new byte[0],
        new Case("empty.png", "failed", "empty: empty file (0 bytes)"));
    byte[] png = png(gradient(40, 30, BufferedImage.TYPE_3BYTE_BGR));
    byte[] jpg = cvEncode(".jpg", mat(png), IMWRITE_JPEG_QUALITY, 90);
    put(
        dir,
        "truncated.png",
        Arrays.copyOf(png, png.length * 2 / 3),
        new Case("truncated.png", "failed", "decode: corrupt or truncated PNG"));
    put(
        dir,
        "truncated-jpeg.jpg",
        Arrays.copyOf(jpg, jpg.length * 2 / 3),
        new Case("truncated-jpeg.jpg", "failed", "decode: corrupt or truncated JPEG"));
    put(dir, "png-named.jpg", png, new Case("png-named.jpg", "ok", null).out(40 * s, 30 * s));
    put(
        dir,
        "notes.jpg",
        "Shelf 14, box 3: letters 1901-1907.\nSee catalogue.\n".getBytes(StandardCharsets.UTF_8),
        new Case("notes.jpg", "failed", "not-an-image: not an image: content is text"));
    put(
        dir,
        "page.jpg",
        "<!DOCTYPE html>\n<html><body>404 Not Found</body></html>\n"
            .getBytes(StandardCharsets.UTF_8),
        new Case("page.jpg", "failed", "not-an-image: not an image: content is HTML"));
    put(
        dir,
        "scan.jpg",
        "%PDF-1.4\n%\u00e2\u00e3\n1 0 obj << /Type /Catalog >> endobj\n"
            .getBytes(StandardCharsets.ISO_8859_1),
        new Case("scan.jpg", "failed", "not-an-image: not an image: content is a PDF document"));
    byte[] noise = new byte[64];
    new Random(7).nextBytes(noise);
    noise[0] = 0x13;
    put(
        dir,
        "garbage.png",
        noise,
        new Case(
            "garbage.png",
            "failed",
            "not-an-image: not an image: content is of an unknown format"));
    put(
        dir,
        "bomb.png",
        pngBomb(50_000, 50_000),
        new Case(
            "bomb.png",
            "failed",
            "limits: header claims 50000x50000 = 2500000000 pixels, over limits.max-input-pixels"));
    put(
        dir,
        "bomb-jpeg.jpg",
        jpegWithSize(jpg, 60_000, 60_000),
        new Case(
            "bomb-jpeg.jpg",
            "failed",
            "limits: header claims 60000x60000 = 3600000000 pixels, over limits.max-input-pixels"));
    byte[] big = png(noiseImage(300, 300));
    put(
        dir,
        "large.png",
        big,
        new Case(
            "large.png",
            "failed",
            "limits: file is " + big.length + " bytes, over limits.max-input-bytes=" + MAX_BYTES));
    put(
        dir,
        "one.png",
        png(gradient(1, 1, BufferedImage.TYPE_3BYTE_BGR)),
        new Case("one.png", "ok", null).out(s, s));
    put(
        dir,
        "two.png",
        png(gradient(2, 2, BufferedImage.TYPE_3BYTE_BGR)),
        new Case("two.png", "ok", null).out(2 * s, 2 * s));
    Mat deep = new Mat();
    mat(png).convertTo(deep, opencv_core.CV_16U, 257.0, 0);
    put(
        dir,
        "deep16.png",
        cvEncode(".png", deep),
        new Case("deep16.png", "ok", null).out(40 * s, 30 * s).depth(16));
    put(
        dir,
        "deep16-tiff.tif",
        cvEncode(".tif", deep),
        new Case("deep16-tiff.tif", "ok", null).out(40 * s, 30 * s).depth(16));
    Mat real = new Mat();
    mat(png).convertTo(real, opencv_core.CV_32F, 1 / 255.0, 0);
    put(
        dir,
        "float32.tif",
        cvEncode(".tif", real),
        new Case(
            "float32.tif",
            "failed",
            "unsupported: TIFF with 32-bit float samples is not supported"));
    put(
        dir,
        "gray-alpha.png",
        png(grayAlpha(24, 20)),
        new Case("gray-alpha.png", "ok", null).out(24 * s, 20 * s));
    BufferedImage indexed = new BufferedImage(24, 20, BufferedImage.TYPE_BYTE_INDEXED);
    paint(indexed);
    byte[] palette = png(indexed);
    if (palette[25] != 3) throw new IllegalStateException("ImageIO did not write a palette PNG");
    put(dir, "palette.png", palette, new Case("palette.png", "ok", null).out(24 * s, 20 * s));
    put(dir, "cmyk.jpg", cmykJpeg(32, 24), new Case("cmyk.jpg", "ok", null).out(32 * s, 24 * s));
    put(
        dir,
        "progressive.jpg",
        cvEncode(".jpg", mat(png), IMWRITE_JPEG_PROGRESSIVE, 1),
        new Case("progressive.jpg", "ok", null).out(40 * s, 30 * s));
    put(
        dir,
        "animated.gif",
        sequence("gif", 3, 20, 16),
        new Case("animated.gif", "ok", null).out(20 * s, 16 * s).note("first frame of 3"));
    put(
        dir,
        "pages.tif",
        sequence("tiff", 3, 20, 16),
        new Case("pages.tif", "ok", null).out(20 * s, 16 * s).note("first page of 3"));
    // 40x30 pixels stored, EXIF orientation 6 (rotate 90 clockwise): 30x40 as seen, 90x120 out.
    put(
        dir,
        "rotated.jpg",
        cvEncodeWithMetadata(".jpg", mat(png), new int[] {IMAGE_METADATA_EXIF}, exifOrientation(6)),
        new Case("rotated.jpg", "ok", null).out(30 * s, 40 * s));
    put(
        dir,
        "icc.jpg",
        cvEncodeWithMetadata(".jpg", mat(png), new int[] {IMAGE_METADATA_ICCP}, iccProfile()),
        new Case("icc.jpg", "ok", null).out(40 * s, 30 * s));
    put(
        dir,
        VANISHING,
        png,
        new Case(VANISHING, "failed", "missing: input disappeared after listing"));
    put(dir, "with space.png", png, new Case("with space.png", "ok", null).out(40 * s, 30 * s));
    put(
        dir,
        "caf\u00e9 \u015dt\u0159\u00e4 \u6587\u66f8.png",
        png,
        new Case("caf\u00e9 \u015dt\u0159\u00e4 \u6587\u66f8.png", "ok", null).out(40 * s, 30 * s));
    put(dir, "box#12.png", png, new Case("box#12.png", "ok", null).out(40 * s, 30 * s));
    put(dir, "100%.png", png, new Case("100%.png", "ok", null).out(40 * s, 30 * s));
    put(
        dir,
        "a%20b%2F..%2Fc.png",
        png,
        new Case("a%20b%2F..%2Fc.png", "ok", null).out(40 * s, 30 * s));
    put(dir, "x..y.png", png, new Case("x..y.png", "ok", null).out(40 * s, 30 * s));
    put(dir, "up../a..b.png", png, new Case("up../a..b.png", "ok", null).out(40 * s, 30 * s));
    put(dir, "UPPER.JPG", jpg, new Case("UPPER.JPG", "ok", null).out(40 * s, 30 * s));
    return this;
  }

  private void put(Path dir, String name, byte[] bytes, Case c) throws IOException {
    Path p = dir.resolve(name);
    Files.createDirectories(p.getParent());
    Files.write(p, bytes);
    cases.add(c);
  }

  // ---- pixels

  public static BufferedImage gradient(int w, int h, int type) {
    BufferedImage img = new BufferedImage(w, h, type);
    paint(img);
    return img;
  }

  private static void paint(BufferedImage img) {
    Graphics2D g = img.createGraphics();
    g.setPaint(
        new GradientPaint(
            0, 0, new Color(200, 40, 30), img.getWidth(), img.getHeight(), new Color(20, 90, 220)));
    g.fillRect(0, 0, img.getWidth(), img.getHeight());
    g.setColor(Color.WHITE);
    g.fillOval(
        img.getWidth() / 4,
        img.getHeight() / 4,
        Math.max(1, img.getWidth() / 2),
        Math.max(1, img.getHeight() / 2));
    g.dispose();
  }

  private static BufferedImage noiseImage(int w, int h) {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
    Random r = new Random(42);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        img.setRGB(x, y, r.nextInt(1 << 24));
      }
    }
    return img;
  }

  /** Grey plus alpha: the JDK has no predefined type for it, so it is built from a colour model. */
  private static BufferedImage grayAlpha(int w, int h) {
    ComponentColorModel cm =
        new ComponentColorModel(
            ColorSpace.getInstance(ColorSpace.CS_GRAY),
            true,
            false,
            Transparency.TRANSLUCENT,
            DataBuffer.TYPE_BYTE);
    WritableRaster r = cm.createCompatibleWritableRaster(w, h);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        r.setSample(x, y, 0, (x * 255) / w);
        r.setSample(x, y, 1, 255 - (y * 200) / h);
      }
    }
    return new BufferedImage(cm, r, false, null);
  }

  // ---- encoders

  public static byte[] png(BufferedImage img) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    if (!ImageIO.write(img, "png", out)) throw new IOException("no PNG writer");
    return out.toByteArray();
  }

  public static Mat mat(byte[] encoded) {
    Mat buf = new Mat(1, encoded.length, opencv_core.CV_8UC1);
    buf.data().put(encoded);
    return opencv_imgcodecs.imdecode(buf, IMREAD_UNCHANGED);
  }

  public static byte[] cvEncode(String ext, Mat m, int... params) {
    BytePointer out = new BytePointer();
    if (!opencv_imgcodecs.imencode(ext, m, out, new IntPointer(params))) {
      throw new IllegalStateException("OpenCV cannot encode " + ext);
    }
    byte[] b = new byte[(int) out.limit()];
    out.get(b);
    return b;
  }

  public static byte[] cvEncodeWithMetadata(String ext, Mat m, int[] types, byte[]... blocks) {
    MatVector v = new MatVector();
    for (byte[] b : blocks) {
      Mat bm = new Mat(1, b.length, opencv_core.CV_8UC1);
      bm.data().put(b);
      v.push_back(bm);
    }
    BytePointer out = new BytePointer();
    if (!opencv_imgcodecs.imencodeWithMetadata(
        new BytePointer(ext), m, new IntPointer(types), v, out, new IntPointer(0))) {
      throw new IllegalStateException("OpenCV cannot encode " + ext + " with metadata");
    }
    byte[] b = new byte[(int) out.limit()];
    out.get(b);
    return b;
  }

  /**
   * An animated GIF or multi-page TIFF, frames of different colours, through ImageIO's sequence
   * API.
   */
  public static byte[] sequence(String format, int frames, int w, int h) throws IOException {
    ImageWriter writer = ImageIO.getImageWritersByFormatName(format).next();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
      writer.setOutput(out);
      writer.prepareWriteSequence(null);
      for (int i = 0; i < frames; i++) {
        BufferedImage f =
            new BufferedImage(
                w,
                h,
                "gif".equals(format)
                    ? BufferedImage.TYPE_BYTE_INDEXED
                    : BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = f.createGraphics();
        g.setColor(new Color(60 * i, 255 - 60 * i, 120));
        g.fillRect(0, 0, w, h);
        g.dispose();
        writer.writeToSequence(new IIOImage(f, null, null), null);
      }
      writer.endWriteSequence();
    } finally {
      writer.dispose();
    }
    return bytes.toByteArray();
  }

  /**
   * A 4-component (CMYK) JPEG. Neither OpenCV nor ImageIO writes CMYK from a colour image, but
   * ImageIO's JPEG writer encodes a bare 4-band raster as 4 components (no JFIF, Adobe marker),
   * which is what a prepress scan is.
   */
  public static byte[] cmykJpeg(int w, int h) throws IOException {
    WritableRaster r = Raster.createInterleavedRaster(DataBuffer.TYPE_BYTE, w, h, 4, null);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        r.setSample(x, y, 0, (x * 255) / w);
        r.setSample(x, y, 1, (y * 255) / h);
        r.setSample(x, y, 2, 60);
        r.setSample(x, y, 3, 10);
      }
    }
    ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
      writer.setOutput(out);
      writer.write(null, new IIOImage(r, null, null), null);
    } finally {
      writer.dispose();
    }
    byte[] b = bytes.toByteArray();
    int sof = indexOfMarker(b, 0xC0);
    if (sof < 0 || b[sof + 9] != 4) throw new IllegalStateException("not a 4-component JPEG");
    return b;
  }

  /** The JDK's own sRGB profile: a real ICC profile without any third-party file. */
  public static byte[] iccProfile() {
    return ICC_Profile.getInstance(ColorSpace.CS_sRGB).getData();
  }

  /** A minimal little-endian EXIF block (TIFF header, IFD0 with the orientation tag only). */
  public static byte[] exifOrientation(int orientation) {
    ByteBuffer b = ByteBuffer.allocate(6 + 8 + 2 + 12 + 4).order(ByteOrder.LITTLE_ENDIAN);
    b.put("Exif\0\0".getBytes(StandardCharsets.US_ASCII));
    b.put((byte) 'I').put((byte) 'I').putShort((short) 42).putInt(8);
    b.putShort((short) 1);
    b.putShort((short) 0x0112)
        .putShort((short) 3)
        .putInt(1)
        .putShort((short) orientation)
        .putShort((short) 0);
    b.putInt(0);
    return b.array();
  }

  // ---- byte surgery

  /**
   * A PNG whose IHDR claims w x h, with valid CRCs and a tiny IDAT: a decompression bomb's header.
   */
  public static byte[] pngBomb(int w, int h) {
    ByteBuffer ihdr = ByteBuffer.allocate(13);
    ihdr.putInt(w).putInt(h).put((byte) 8).put((byte) 2).put((byte) 0).put((byte) 0).put((byte) 0);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'}, 0, 8);
    chunk(out, "IHDR", ihdr.array());
    chunk(out, "IDAT", new byte[] {0x78, (byte) 0x9c, 0x63, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01});
    chunk(out, "IEND", new byte[0]);
    return out.toByteArray();
  }

  private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
    ByteBuffer b = ByteBuffer.allocate(12 + data.length);
    byte[] t = type.getBytes(StandardCharsets.US_ASCII);
    b.putInt(data.length).put(t).put(data);
    CRC32 crc = new CRC32();
    crc.update(t);
    crc.update(data);
    b.putInt((int) crc.getValue());
    out.write(b.array(), 0, b.capacity());
  }

  /** A copy of a baseline JPEG whose SOF0 frame header claims w x h. */
  public static byte[] jpegWithSize(byte[] jpeg, int w, int h) {
    byte[] b = jpeg.clone();
    int sof = indexOfMarker(b, 0xC0);
    if (sof < 0) throw new IllegalStateException("no SOF0 marker");
    b[sof + 5] = (byte) (h >> 8);
    b[sof + 6] = (byte) h;
    b[sof + 7] = (byte) (w >> 8);
    b[sof + 8] = (byte) w;
    return b;
  }

  /** Offset of marker FF xx among the header segments (before the first scan). */
  public static int indexOfMarker(byte[] b, int marker) {
    int i = 2;
    while (i + 4 <= b.length && (b[i] & 0xff) == 0xff) {
      int m = b[i + 1] & 0xff;
      if (m == marker) return i;
      if (m == 0xDA) return -1;
      i += 2 + ((b[i + 2] & 0xff) << 8 | (b[i + 3] & 0xff));
    }
    return -1;
  }
}
