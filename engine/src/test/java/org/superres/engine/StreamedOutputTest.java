package org.superres.engine;

import static org.bytedeco.opencv.global.opencv_core.CV_16U;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_UNCHANGED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.superres.samples.SampleImages;
import org.superres.testing.Fixtures;
import org.superres.testing.Images;

/**
 * Issue 17, item 4: on images small enough for both, the streamed path (PNG inputs read row by row,
 * one output strip per row of tiles, PNG and TIFF written strip by strip) decodes to exactly the
 * pixels of the in-memory path ({@link Enhancer} on the whole image, encoded by OpenCV), for 8 and
 * 16-bit grey, RGB and RGBA, with the bundled model and tiles small enough for several strips.
 */
class StreamedOutputTest {
  private static SuperResNet net;
  private static final TiledUpscaler TILER = new TiledUpscaler(24, 6);
  private static final ImageLimits LIMITS = new ImageLimits(100_000_000L, 0);
  private final ImageCodec codec = new ImageCodec(LIMITS);

  @TempDir Path dir;

  @BeforeAll
  static void load() {
    Path file = Fixtures.ownModel();
    net =
        SuperResNet.load(
            new ModelSpec("own", ModelKind.EDSR, 3, ModelSpec.sha256Of(file)),
            file,
            Device.CPU,
            Precision.FP32);
  }

  @AfterAll
  static void close() {
    if (net != null) net.close();
  }

  enum Layout {
    GREY8(1, false),
    BGR8(3, false),
    BGRA8(4, false),
    GREY16(1, true),
    BGR16(3, true),
    BGRA16(4, true);

    final int channels;
    final boolean deep;

    Layout(int channels, boolean deep) {
      this.channels = channels;
      this.deep = deep;
    }
  }

  /** 61x53: not a multiple of the tile, so edge windows shift inward and three strips result. */
  static Mat input(Layout l) {
    Mat m = l.channels == 4 ? SampleImages.logoWithAlpha(61, 53) : Images.scene(61, 53);
    if (l.channels == 1) m = SampleImages.grey(m);
    if (l.deep) {
      Mat d = new Mat();
      m.convertTo(d, opencv_core.CV_MAKETYPE(CV_16U, l.channels), 257.0, 0);
      // sub-8-bit detail, so a path that drops the low byte fails
      opencv_core.add(d, new Mat(d.size(), d.type(), Scalar.all(77)), d);
      m = d;
    }
    return m;
  }

  static List<Arguments> layoutsAndFormats() {
    List<Arguments> a = new ArrayList<>();
    for (Layout l : Layout.values()) {
      for (ImageFormat f : new ImageFormat[] {ImageFormat.PNG, ImageFormat.TIFF}) {
        a.add(Arguments.of(l, f));
      }
    }
    return a;
  }

  @ParameterizedTest(name = "{0} to {1}")
  @MethodSource("layoutsAndFormats")
  void streamedOutputHasTheInMemoryPixels(Layout layout, ImageFormat format) throws Exception {
    byte[] png = Images.encode(input(layout), ".png");
    Path today = dir.resolve("today." + format.extension());
    DecodedImage d = codec.decode(png);
    Mat whole = new Enhancer(net, TILER).enhance(d.pixels).image;
    codec.encodeToFile(whole, format, 92, ImageMetadata.NONE, today);

    Path streamed = dir.resolve("streamed." + format.extension());
    EnhanceToFile.Outcome o = streamed(png, streamed, format, PostProcess.NONE);
    assertTrue(o.streamedInput, "an 8/16-bit grey, RGB or RGBA PNG is read row by row");
    assertTrue(o.streamedOutput, format + " is written strip by strip");
    assertEquals(9, o.tiles, "3 x 3 tiles of 24");

    Mat a = read(today);
    Mat b = read(streamed);
    assertEquals(layout.channels, b.channels());
    assertEquals(layout.deep ? CV_16U : opencv_core.CV_8U, b.depth());
    assertTrue(Images.identical(a, b), "streamed " + format + " differs from the in-memory one");
  }

  @ParameterizedTest(name = "{0}")
  @org.junit.jupiter.params.provider.EnumSource(Layout.class)
  void tiffInputsAreReadByRowsWithTheSamePixels(Layout layout) throws Exception {
    Mat in = input(layout);
    // as OpenCV writes TIFF (LZW, predictor, strips; or uncompressed), and tiled deflate as
    // superres
    // writes it
    Path tiled = dir.resolve("tiled.tif");
    try (TiledTiffWriter w =
        new TiledTiffWriter(
            tiled,
            in.cols(),
            in.rows(),
            in.channels(),
            in.depth(),
            16,
            false,
            TiledTiffWriter.Compression.DEFLATE,
            90,
            null)) {
      w.write(in);
      w.finish();
    }
    byte[] raw = Images.encode(in, ".tif", opencv_imgcodecs.IMWRITE_TIFF_COMPRESSION, 1);
    for (byte[] tif : new byte[][] {Images.encode(in, ".tif"), Files.readAllBytes(tiled), raw}) {
      Mat whole = new Enhancer(net, TILER).enhance(codec.decode(tif).pixels).image;
      Path out = dir.resolve("from-tiff.png");
      EnhanceToFile.Outcome o = streamed(tif, out, ImageFormat.PNG, PostProcess.NONE);
      // compressed 16-bit TIFFs have a predictor the JDK's reader lacks: those are decoded whole
      boolean byRows = layout.channels != 4 && (!layout.deep || tif == raw);
      assertEquals(byRows, o.streamedInput, "grey and RGB TIFFs are read by rows");
      assertTrue(Images.identical(whole, read(out)), layout + " from a TIFF");
    }
  }

  @Test
  void jpegTilesOfATiffAreWithinEncoderNoise() throws Exception {
    byte[] png = Images.encode(input(Layout.BGR8), ".png");
    Mat whole = new Enhancer(net, TILER).enhance(codec.decode(png).pixels).image;
    Path tif = dir.resolve("jpeg.tif");
    EnhanceToFile.Outcome o =
        new EnhanceToFile(
                net, TILER, LIMITS, new OutputSettings(92, true, "jpeg", 256, 0), PostProcess.NONE)
            .run(() -> new ByteArrayInputStream(png), tif, ImageFormat.TIFF, null);
    assertTrue(o.streamedOutput);
    Path jpg = dir.resolve("whole.jpg");
    codec.encodeToFile(whole, ImageFormat.JPEG, 92, ImageMetadata.NONE, jpg);
    double tiles = Images.psnr(whole, read(tif));
    double today = Images.psnr(whole, read(jpg));
    assertTrue(
        tiles > today - 1.5,
        "JPEG tiles " + tiles + " dB vs a whole JPEG at the same quality " + today + " dB");
  }

  @Test
  void inputsDecodedWholeStreamTheirOutputWithTheSamePixels() throws Exception {
    // A JPEG stored sideways (EXIF orientation 6) is decoded whole and turned upright first.
    byte[] jpeg =
        ImageCodecTest.jpegWithExif(Images.scene(40, 30), ImageCodecTest.exifWithOrientation(6));
    DecodedImage d = codec.decode(jpeg);
    Mat whole = new Enhancer(net, TILER).enhance(d.pixels).image;
    Path out = dir.resolve("rotated.png");
    EnhanceToFile.Outcome o =
        new EnhanceToFile(net, TILER, LIMITS, OutputSettings.defaults(), PostProcess.NONE)
            .run(() -> new ByteArrayInputStream(jpeg), out, ImageFormat.PNG, null);
    assertFalse(o.streamedInput);
    assertTrue(o.streamedOutput);
    assertEquals(30, o.inputWidth, "upright");
    Mat back = read(out);
    assertEquals(90, back.cols());
    assertTrue(Images.identical(whole, back));
    assertEquals(ExifOrientation.NORMAL, codec.decode(Files.readAllBytes(out)).orientation);
  }

  @Test
  void perPixelPostProcessingStreamsAndClaheGoesThroughMemory() throws Exception {
    byte[] png = Images.encode(input(Layout.BGR8), ".png");
    Mat whole = new Enhancer(net, TILER).enhance(codec.decode(png).pixels).image;
    PostProcess contrast = new PostProcess(1.2, -10, false, 2.0, 8);
    PostProcess clahe = new PostProcess(1.0, 0, true, 2.0, 4);
    for (PostProcess p : new PostProcess[] {contrast, clahe}) {
      Path out = dir.resolve("post.png");
      EnhanceToFile.Outcome o = streamed(png, out, ImageFormat.PNG, p);
      assertEquals(p.perStrip(), o.streamedOutput, p.description());
      assertTrue(Images.identical(p.apply(whole), read(out)), p.description());
    }
  }

  @Test
  void outputsTooLargeForMemoryAreRefusedNamingTheKeyBeforeInference() {
    byte[] png = Images.encode(input(Layout.BGR8), ".png");
    long forwards = net.forwards();
    EnhanceToFile engine =
        new EnhanceToFile(
            net,
            TILER,
            LIMITS,
            new OutputSettings(92, true, "deflate", 256, 10_000),
            PostProcess.NONE);
    EngineException e =
        assertThrows(
            EngineException.class,
            () ->
                engine.run(
                    () -> new ByteArrayInputStream(png),
                    dir.resolve("x.jpg"),
                    ImageFormat.JPEG,
                    null));
    assertEquals(FailureKind.LIMITS, e.kind());
    assertTrue(e.getMessage().contains("limits.max-output-pixels-in-memory=10000"), e.getMessage());
    assertTrue(e.getMessage().contains("png, tiff and tiff-pyramid"), e.getMessage());
    assertEquals(forwards, net.forwards(), "refused before any inference");
  }

  @Test
  void aTruncatedPngIsADecodeErrorAndAFailingReadAnIoError() {
    byte[] png = Images.encode(input(Layout.BGR8), ".png");
    byte[] half = java.util.Arrays.copyOf(png, png.length / 2);
    EngineException e =
        assertThrows(
            EngineException.class,
            () -> streamed(half, dir.resolve("t.png"), ImageFormat.PNG, PostProcess.NONE));
    assertEquals(FailureKind.DECODE, e.kind());
    assertTrue(e.getMessage().startsWith("corrupt or truncated PNG"), e.getMessage());
    java.io.IOException io =
        assertThrows(
            java.io.IOException.class,
            () ->
                new EnhanceToFile(net, TILER, LIMITS, OutputSettings.defaults(), PostProcess.NONE)
                    .run(
                        () ->
                            new java.io.SequenceInputStream(
                                new ByteArrayInputStream(half),
                                new java.io.InputStream() {
                                  @Override
                                  public int read() throws java.io.IOException {
                                    throw new java.io.IOException("connection reset");
                                  }
                                }),
                        dir.resolve("t.png"),
                        ImageFormat.PNG,
                        null));
    assertEquals("connection reset", io.getMessage());
  }

  @Test
  void webpOutputsOverItsSideLimitAreRefused() {
    byte[] wide = Images.encode(Images.solid(5462, 2, 9, 9, 9), ".png"); // 16386 px wide at x3
    EngineException e =
        assertThrows(
            EngineException.class,
            () -> streamed(wide, dir.resolve("x.webp"), ImageFormat.WEBP, PostProcess.NONE));
    assertEquals(FailureKind.UNSUPPORTED, e.kind());
    assertTrue(e.getMessage().contains("16383"), e.getMessage());
    assertTrue(e.getMessage().contains("16386x6"), e.getMessage());
  }

  @Test
  void pngMetadataIsWrittenByTheStreamingEncoder() throws Exception {
    byte[] icc = org.superres.testing.HostileCorpus.iccProfile();
    byte[] xmp = "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">Box 14 ·</x:xmpmeta>".getBytes("UTF-8");
    byte[] exif = ImageCodecTest.exifWithOrientation(1);
    ImageMetadata m = new ImageMetadata(exif, icc, xmp);
    Path out = dir.resolve("meta.png");
    try (PngStripWriter w =
        new PngStripWriter(Files.newOutputStream(out), 20, 10, 3, opencv_core.CV_8U, m)) {
      w.write(Images.scene(20, 10));
      w.finish();
    }
    DecodedImage back = codec.decode(Files.readAllBytes(out));
    assertNotNull(back.metadata.exif);
    assertEquals(1, ExifOrientation.read(back.metadata.exif));
    org.junit.jupiter.api.Assertions.assertArrayEquals(icc, back.metadata.icc);
    org.junit.jupiter.api.Assertions.assertArrayEquals(xmp, back.metadata.xmp);
    // and a PNG written so is read row by row with the same metadata
    try (PngRows rows = PngRows.open(new ByteArrayInputStream(Files.readAllBytes(out)), LIMITS)) {
      assertNotNull(rows);
      org.junit.jupiter.api.Assertions.assertArrayEquals(icc, rows.metadata().icc);
      org.junit.jupiter.api.Assertions.assertArrayEquals(xmp, rows.metadata().xmp);
      org.junit.jupiter.api.Assertions.assertArrayEquals(exif, rows.metadata().exif);
    }
  }

  @Test
  void reportCropsOfAStreamedImageMatchThoseMadeFromTheWholeImage() throws Exception {
    for (byte[] input :
        new byte[][] {
          Images.encode(input(Layout.BGR8), ".png"), // read row by row, crop chosen in a first pass
          Images.encode(Images.scene(61, 53), ".jpg", opencv_imgcodecs.IMWRITE_JPEG_QUALITY, 95)
        }) {
      DecodedImage d = codec.decode(input);
      Mat whole = new Enhancer(net, TILER).enhance(d.pixels).image;
      ReportCrops crops = new ReportCrops(40, 64);
      ReportCrops.Result today = crops.make(d.pixels, whole, 3);
      EnhanceToFile.Outcome o =
          new EnhanceToFile(net, TILER, LIMITS, OutputSettings.defaults(), PostProcess.NONE)
              .run(
                  () -> new ByteArrayInputStream(input),
                  dir.resolve("r.png"),
                  ImageFormat.PNG,
                  crops);
      ReportCrops.Result r = o.report;
      assertNotNull(r);
      assertEquals(today.crop.x(), r.crop.x());
      assertEquals(today.crop.y(), r.crop.y());
      assertTrue(Images.identical(decode(today.modelCropPng), decode(r.modelCropPng)));
      assertTrue(Images.identical(decode(today.bicubicCropPng), decode(r.bicubicCropPng)));
      assertEquals(today.thumbnailWidth, r.thumbnailWidth);
      assertEquals(today.thumbnailHeight, r.thumbnailHeight);
      double psnr = Images.psnr(decode(today.thumbnailJpeg), decode(r.thumbnailJpeg));
      assertTrue(psnr > 30, "thumbnail reduced strip by strip: " + psnr + " dB");
    }
  }

  private static Mat decode(byte[] b) {
    return opencv_imgcodecs.imdecode(
        new Mat(new org.bytedeco.javacpp.BytePointer(b)), IMREAD_UNCHANGED);
  }

  private EnhanceToFile.Outcome streamed(byte[] input, Path out, ImageFormat f, PostProcess p)
      throws Exception {
    return new EnhanceToFile(net, TILER, LIMITS, OutputSettings.defaults(), p)
        .run(() -> new ByteArrayInputStream(input), out, f, null);
  }

  static Mat read(Path p) {
    Mat m = opencv_imgcodecs.imread(p.toString(), IMREAD_UNCHANGED);
    assertFalse(m.empty(), "OpenCV cannot read " + p);
    return m;
  }
}
