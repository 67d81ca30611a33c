package org.superres.engine;

import static org.bytedeco.opencv.global.opencv_imgcodecs.IMAGE_METADATA_EXIF;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMAGE_METADATA_ICCP;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMAGE_METADATA_XMP;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.color.ICC_Profile;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Iterator;
import java.util.zip.InflaterInputStream;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * output.keep-metadata: EXIF (orientation reset), ICC profile and XMP of a JPEG scan survive into
 * JPEG, PNG and WebP outputs. Read back two ways: through the engine's own decoder, and from the
 * container's bytes by an independent reader (the JDK's ImageIO metadata trees for JPEG and PNG,
 * the RIFF chunks for WebP), so a block OpenCV writes in a form only OpenCV understands fails here.
 */
class MetadataRoundTripTest {
  private static final byte[] XMP =
      ("<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><rdf:RDF "
              + "xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\"><rdf:Description xmlns:dc="
              + "\"http://purl.org/dc/elements/1.1/\" dc:source=\"Box 14, folder 3\"/></rdf:RDF></x:xmpmeta>")
          .getBytes(StandardCharsets.UTF_8);
  private static final byte[] ICC =
      ICC_Profile.getInstance(java.awt.color.ColorSpace.CS_sRGB).getData();

  private final ImageCodec codec = new ImageCodec(new ImageLimits(100_000_000L, 0));

  /** A 40x30 JPEG scan stored sideways (EXIF orientation 6) with an ICC profile and XMP. */
  private static byte[] scan() throws Exception {
    byte[] exif = org.superres.testing.HostileCorpus.exifOrientation(6);
    byte[] xmpApp1 =
        concat("http://ns.adobe.com/xap/1.0/\0".getBytes(StandardCharsets.US_ASCII), XMP);
    return org.superres.testing.HostileCorpus.cvEncodeWithMetadata(
        ".jpg",
        org.superres.testing.HostileCorpus.mat(
            org.superres.testing.HostileCorpus.png(
                org.superres.testing.HostileCorpus.gradient(
                    40, 30, java.awt.image.BufferedImage.TYPE_3BYTE_BGR))),
        new int[] {IMAGE_METADATA_EXIF, IMAGE_METADATA_ICCP, IMAGE_METADATA_XMP},
        exif,
        ICC,
        xmpApp1);
  }

  enum Out {
    JPEG,
    PNG,
    WEBP
  }

  @ParameterizedTest
  @EnumSource(Out.class)
  void exifIccAndXmpSurviveIntoTheOutput(Out out) throws Exception {
    DecodedImage in = codec.decode(scan());
    assertEquals(6, in.orientation, "the input's EXIF orientation was read");
    assertEquals(30, in.width(), "pixels were turned upright");
    assertArrayEquals(ICC, in.metadata.icc);
    assertArrayEquals(XMP, in.metadata.xmp, "the JPEG's XMP packet was read");

    ImageFormat format = ImageFormat.valueOf(out.name());
    byte[] bytes = codec.encode(in.pixels, format, 90, in.metadata);

    DecodedImage back = codec.decode(bytes);
    assertEquals(
        1,
        back.orientation,
        "orientation reset: a viewer must not rotate the upright pixels again");
    assertEquals(30, back.width());
    assertArrayEquals(ICC, back.metadata.icc, "ICC profile through OpenCV");
    assertArrayEquals(XMP, back.metadata.xmp, "XMP through the engine");

    Blocks independent =
        out == Out.JPEG ? jpegBlocks(bytes) : out == Out.PNG ? pngBlocks(bytes) : webpBlocks(bytes);
    assertNotNull(independent.exif, "EXIF readable without OpenCV");
    assertEquals(1, ExifOrientation.read(independent.exif));
    assertArrayEquals(ICC, independent.icc, "ICC profile readable without OpenCV");
    assertArrayEquals(XMP, independent.xmp, "XMP readable without OpenCV");
  }

  @Test
  void keepMetadataOffWritesNone() throws Exception {
    DecodedImage in = codec.decode(scan());
    for (ImageFormat f : new ImageFormat[] {ImageFormat.JPEG, ImageFormat.PNG, ImageFormat.WEBP}) {
      ImageMetadata back =
          codec.decode(codec.encode(in.pixels, f, 90, ImageMetadata.NONE)).metadata;
      assertNull(back.icc, f + " icc");
      assertNull(back.xmp, f + " xmp");
    }
  }

  @Test
  void tiffOutputCarriesNoMetadataButEncodes() throws Exception {
    DecodedImage in = codec.decode(scan());
    DecodedImage back = codec.decode(codec.encode(in.pixels, ImageFormat.TIFF, 90, in.metadata));
    assertTrue(back.metadata.isEmpty(), "documented: OpenCV writes no metadata into TIFF");
    assertEquals(30, back.width());
  }

  @Test
  void pngInputXmpWrittenByOpenCvAsTextIsReadWithoutItsCrc() throws Exception {
    // OpenCV 4.13 itself writes PNG XMP as tEXt: such archives exist, and the packet must come back
    // clean.
    byte[] png =
        org.superres.testing.HostileCorpus.cvEncodeWithMetadata(
            ".png",
            org.superres.testing.HostileCorpus.mat(
                org.superres.testing.HostileCorpus.png(
                    org.superres.testing.HostileCorpus.gradient(
                        8, 8, java.awt.image.BufferedImage.TYPE_3BYTE_BGR))),
            new int[] {IMAGE_METADATA_XMP},
            Arrays.copyOf(XMP, XMP.length + 1));
    byte[] read = codec.decode(png).metadata.xmp;
    assertArrayEquals(XMP, Arrays.copyOf(read, Math.min(read.length, XMP.length)));
    assertEquals('>', read[read.length - 1], "no bytes after the packet");
  }

  // ---- independent readers

  private static final class Blocks {
    byte[] exif;
    byte[] icc;
    byte[] xmp;
  }

  /**
   * ImageIO's JPEG metadata tree: app2ICC for the profile, unknown APP1 markers for EXIF and XMP.
   */
  private static Blocks jpegBlocks(byte[] jpeg) throws Exception {
    Blocks b = new Blocks();
    Node tree = imageioTree(jpeg, "javax_imageio_jpeg_image_1.0");
    NodeList icc = ((IIOMetadataNode) tree).getElementsByTagName("app2ICC");
    if (icc.getLength() > 0) {
      b.icc = ((ICC_Profile) ((IIOMetadataNode) icc.item(0)).getUserObject()).getData();
    }
    NodeList unknown = ((IIOMetadataNode) tree).getElementsByTagName("unknown");
    for (int i = 0; i < unknown.getLength(); i++) {
      IIOMetadataNode n = (IIOMetadataNode) unknown.item(i);
      if (!"225".equals(n.getAttribute("MarkerTag"))) continue;
      byte[] data = (byte[]) n.getUserObject();
      String head = new String(data, 0, Math.min(data.length, 29), StandardCharsets.ISO_8859_1);
      if (head.startsWith("Exif\0\0")) b.exif = data;
      if (head.equals("http://ns.adobe.com/xap/1.0/\0"))
        b.xmp = Arrays.copyOfRange(data, 29, data.length);
    }
    return b;
  }

  /**
   * ImageIO's PNG tree gives iCCP and iTXt; the JDK does not know eXIf, which is read from the
   * chunk list.
   */
  private static Blocks pngBlocks(byte[] png) throws Exception {
    Blocks b = new Blocks();
    IIOMetadataNode tree = (IIOMetadataNode) imageioTree(png, "javax_imageio_png_1.0");
    NodeList icc = tree.getElementsByTagName("iCCP");
    if (icc.getLength() > 0) {
      byte[] profile = (byte[]) ((IIOMetadataNode) icc.item(0)).getUserObject();
      b.icc =
          profile.length == ICC.length
              ? profile
              : inflate(profile); // JDK 17 hands out the zlib stream
    }
    NodeList itxt = tree.getElementsByTagName("iTXtEntry");
    for (int i = 0; i < itxt.getLength(); i++) {
      IIOMetadataNode n = (IIOMetadataNode) itxt.item(i);
      if ("XML:com.adobe.xmp".equals(n.getAttribute("keyword"))) {
        b.xmp = n.getAttribute("text").getBytes(StandardCharsets.UTF_8);
      }
    }
    ByteBuffer buf = ByteBuffer.wrap(png);
    buf.position(8);
    while (buf.remaining() >= 12) {
      int len = buf.getInt();
      byte[] type = new byte[4];
      buf.get(type);
      byte[] data = new byte[len];
      buf.get(data);
      buf.getInt();
      if (new String(type, StandardCharsets.US_ASCII).equals("eXIf")) {
        assertTrue(
            data[0] == 'I' || data[0] == 'M',
            "PNG eXIf starts at the TIFF header (libpng rejects others)");
        b.exif = data;
      }
    }
    return b;
  }

  /** WebP's RIFF chunks: EXIF, ICCP and "XMP " (the JDK has no WebP reader). */
  private static Blocks webpBlocks(byte[] webp) {
    Blocks b = new Blocks();
    ByteBuffer buf = ByteBuffer.wrap(webp).order(ByteOrder.LITTLE_ENDIAN);
    assertEquals("RIFF", new String(webp, 0, 4, StandardCharsets.US_ASCII));
    buf.position(12);
    while (buf.remaining() >= 8) {
      byte[] fourcc = new byte[4];
      buf.get(fourcc);
      int len = buf.getInt();
      byte[] data = new byte[len];
      buf.get(data);
      if ((len & 1) == 1 && buf.hasRemaining()) buf.get();
      switch (new String(fourcc, StandardCharsets.US_ASCII)) {
        case "EXIF":
          b.exif = data;
          break;
        case "ICCP":
          b.icc = data;
          break;
        case "XMP ":
          b.xmp = data;
          break;
        default:
          break;
      }
    }
    return b;
  }

  private static Node imageioTree(byte[] bytes, String format) throws Exception {
    try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
      Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
      ImageReader r = readers.next();
      try {
        r.setInput(in);
        return r.getImageMetadata(0).getAsTree(format);
      } finally {
        r.dispose();
      }
    }
  }

  static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  static byte[] inflate(byte[] z) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (InflaterInputStream in = new InflaterInputStream(new ByteArrayInputStream(z))) {
      in.transferTo(out);
    }
    return out.toByteArray();
  }
}
