package org.superres.engine;

import static org.bytedeco.opencv.global.opencv_imgcodecs.IMAGE_METADATA_EXIF;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.MatVector;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.junit.jupiter.api.Test;
import org.superres.testing.Images;

/**
 * Decoding real encoded bytes: orientation, layouts kept, and clear errors for what is not an
 * image.
 */
class ImageCodecTest {
  private final ImageCodec codec = new ImageCodec(new ImageLimits(50_000_000, 1 << 30));

  /** A minimal little-endian EXIF block: IFD0 with one entry, orientation = o. */
  static byte[] exifWithOrientation(int o) {
    return new byte[] {
      'I', 'I', 42, 0, 8, 0, 0, 0, 1, 0, 0x12, 0x01, 3, 0, 1, 0, 0, 0, (byte) o, 0, 0, 0, 0, 0, 0, 0
    };
  }

  static byte[] jpegWithExif(Mat img, byte[] exif) {
    Mat block = new Mat(1, exif.length, opencv_core.CV_8UC1);
    block.data().put(exif);
    BytePointer out = new BytePointer();
    assertTrue(
        opencv_imgcodecs.imencodeWithMetadata(
            new BytePointer(".jpg"),
            img,
            new IntPointer(new int[] {IMAGE_METADATA_EXIF}),
            new MatVector(block),
            out,
            new IntPointer(new int[0])));
    byte[] b = new byte[(int) out.limit()];
    out.get(b);
    return b;
  }

  /** 40x20, dark left half, bright right half. */
  static Mat halves() {
    Mat m = Images.solid(40, 20, 10, 10, 10);
    new Mat(20, 20, opencv_core.CV_8UC3, new Scalar(240, 240, 240, 0))
        .copyTo(new Mat(m, new Rect(20, 0, 20, 20)));
    return m;
  }

  @Test
  void exifOrientationIsAppliedExactlyOnce() {
    byte[] jpeg = jpegWithExif(halves(), exifWithOrientation(6));
    DecodedImage img = codec.decode(jpeg);
    assertEquals(6, img.orientation);
    // orientation 6 = stored image must be turned 90 degrees clockwise: 20 wide, 40 high, left half
    // on top
    assertEquals(20, img.width());
    assertEquals(40, img.height());
    double top = mean(img.pixels, 0, 5);
    double bottom = mean(img.pixels, 0, 30);
    assertTrue(
        top < 60 && bottom > 180,
        "stored left half must end on top: top " + top + ", bottom " + bottom);
    // written back with orientation normal: a second decode must not rotate again
    byte[] again = codec.encode(img.pixels, ImageFormat.JPEG, 95, img.metadata);
    DecodedImage twice = codec.decode(again);
    assertEquals(ExifOrientation.NORMAL, twice.orientation);
    assertEquals(20, twice.width());
    assertEquals(40, twice.height());
  }

  /** Mean of the first channel over the 5-row band starting at row y. */
  private static double mean(Mat m, int x, int y) {
    return opencv_core.mean(new Mat(m, new Rect(x, y, m.cols() - x, 5))).get(0);
  }

  @Test
  void keepsChannelsAndDepth() {
    Mat grey = new Mat(10, 12, opencv_core.CV_8UC1, new Scalar(77));
    assertEquals(1, codec.decode(Images.encode(grey, ".png")).channels());
    Mat deep = new Mat(10, 12, opencv_core.CV_16UC3, new Scalar(1000, 20000, 60000, 0));
    DecodedImage d = codec.decode(Images.encode(deep, ".png"));
    assertEquals(16, d.bitDepth());
    assertEquals(3, d.channels());
    Mat bgra = new Mat(10, 12, opencv_core.CV_8UC4, new Scalar(1, 2, 3, 128));
    assertEquals(4, codec.decode(Images.encode(bgra, ".png")).channels());
    DecodedImage tiff = codec.decode(Images.encode(deep, ".tiff"));
    assertEquals(ImageFormat.TIFF, tiff.format);
    assertEquals(16, tiff.bitDepth());
  }

  @Test
  void emptyFileIsAClearError() {
    EngineException e = assertThrows(EngineException.class, () -> codec.decode(new byte[0]));
    assertEquals(FailureKind.EMPTY, e.kind());
    assertTrue(e.getMessage().contains("0 bytes"));
  }

  @Test
  void nonImagesSayWhatTheyAre() {
    assertEquals(
        "not an image: content is text",
        assertThrows(
                EngineException.class,
                () -> codec.decode("just some notes\n".getBytes(StandardCharsets.UTF_8)))
            .getMessage());
    assertTrue(
        assertThrows(
                EngineException.class,
                () ->
                    codec.decode(
                        "<!DOCTYPE html><html><body>404</body></html>"
                            .getBytes(StandardCharsets.UTF_8)))
            .getMessage()
            .contains("HTML"));
    assertTrue(
        assertThrows(
                EngineException.class,
                () ->
                    codec.decode(
                        "%PDF-1.7\n%\u00e2\u00e3\n1 0 obj".getBytes(StandardCharsets.ISO_8859_1)))
            .getMessage()
            .contains("PDF"));
  }

  @Test
  void truncatedPngAndJpegAreClearErrors() {
    byte[] png = Images.encode(Images.scene(64, 48), ".png");
    EngineException p =
        assertThrows(EngineException.class, () -> codec.decode(Arrays.copyOf(png, png.length / 3)));
    assertEquals(FailureKind.DECODE, p.kind());
    assertTrue(p.getMessage().contains("PNG"), p.getMessage());
    byte[] jpg = Images.encode(Images.scene(64, 48), ".jpg");
    EngineException j =
        assertThrows(EngineException.class, () -> codec.decode(Arrays.copyOf(jpg, 40)));
    assertEquals(FailureKind.DECODE, j.kind());
  }

  @Test
  void corruptBodyWithValidSignatureIsAClearError() {
    byte[] png = Images.encode(Images.scene(64, 48), ".png");
    byte[] broken = png.clone();
    for (int i = 60; i < broken.length - 20; i++) {
      broken[i] = (byte) (broken[i] ^ 0x5a);
    }
    EngineException e = assertThrows(EngineException.class, () -> codec.decode(broken));
    assertEquals(FailureKind.DECODE, e.kind());
  }

  @Test
  void headerClaimingHugeSizeIsRefusedBeforeDecoding() {
    byte[] png = Images.encode(Images.solid(8, 8, 1, 2, 3), ".png");
    // IHDR width/height live at bytes 16..23 (big-endian); claim 60000 x 60000
    byte[] bomb = png.clone();
    bomb[16] = 0;
    bomb[17] = 0;
    bomb[18] = (byte) 0xEA;
    bomb[19] = 0x60;
    bomb[20] = 0;
    bomb[21] = 0;
    bomb[22] = (byte) 0xEA;
    bomb[23] = 0x60;
    EngineException e = assertThrows(EngineException.class, () -> codec.decode(bomb));
    assertEquals(FailureKind.LIMITS, e.kind());
    assertTrue(e.getMessage().contains("60000x60000"), e.getMessage());
  }

  @Test
  void exifOrientationNormalizedCopyKeepsEverythingElse() {
    byte[] exif = exifWithOrientation(8);
    byte[] n = ExifOrientation.normalized(exif);
    assertEquals(8, ExifOrientation.read(exif));
    assertEquals(1, ExifOrientation.read(n));
    byte[] expected = exif.clone();
    expected[18] = 1;
    assertArrayEquals(expected, n);
  }
}
