package org.superres.engine;

import java.awt.Rectangle;
import java.awt.image.Raster;
import java.io.IOException;
import java.io.InputStream;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.plugins.tiff.BaselineTIFFTagSet;
import javax.imageio.plugins.tiff.TIFFDirectory;
import javax.imageio.plugins.tiff.TIFFField;
import javax.imageio.stream.ImageInputStream;
import org.bytedeco.javacpp.ShortPointer;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * A TIFF decoded a band of rows at a time with the JDK's TIFF reader, which decodes only the strips
 * or tiles a band touches and reads the file through ImageIO's disk cache, so a scan of any size
 * costs a band of memory. Only layouts whose samples OpenCV returns unchanged are read this way:
 * one page, 8 or 16-bit grey (black is zero) or RGB, chunky, uncompressed, LZW, deflate or PackBits
 * (no predictor at 16 bits), in strips or tiles of at most {@link #MAX_BLOCK_ROWS} rows; {@link
 * #open} returns null for the others, which are decoded whole as before. OpenCV returns no metadata
 * for TIFF inputs, and neither does this.
 */
final class TiffRows implements RowSource {
  /** Taller strips (a whole image in one strip is common) would be decoded again for every band. */
  static final int MAX_BLOCK_ROWS = 1024;

  private final InputStream stream;
  private final ImageInputStream in;
  private final ImageReader reader;
  private final int width;
  private final int height;
  private final int channels;
  private final boolean sixteen;
  private int next;

  private TiffRows(
      InputStream stream, ImageInputStream in, ImageReader reader, int channels, boolean sixteen)
      throws IOException {
    this.stream = stream;
    this.in = in;
    this.reader = reader;
    this.width = reader.getWidth(0);
    this.height = reader.getHeight(0);
    this.channels = channels;
    this.sixteen = sixteen;
  }

  /**
   * The rows of {@code stream}, or null (the stream closed) when this TIFF is decoded whole; limits
   * null checks none (a second pass over an input already checked).
   */
  static TiffRows open(InputStream stream, ImageLimits limits) throws IOException {
    ImageInputStream in = ImageIO.createImageInputStream(stream);
    ImageReader reader = null;
    try {
      Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
      if (!readers.hasNext()) return closeAll(in, null, stream);
      reader = readers.next();
      reader.setInput(in, false, true);
      if (limits != null) limits.checkPixels(reader.getWidth(0), reader.getHeight(0));
      TIFFDirectory dir = TIFFDirectory.createFromMetadata(reader.getImageMetadata(0));
      int spp = value(dir, BaselineTIFFTagSet.TAG_SAMPLES_PER_PIXEL, 1);
      int bits = value(dir, BaselineTIFFTagSet.TAG_BITS_PER_SAMPLE, 1);
      int photometric = value(dir, BaselineTIFFTagSet.TAG_PHOTOMETRIC_INTERPRETATION, -1);
      int compression = value(dir, BaselineTIFFTagSet.TAG_COMPRESSION, 1);
      int rows =
          dir.containsTIFFField(BaselineTIFFTagSet.TAG_TILE_LENGTH)
              ? value(dir, BaselineTIFFTagSet.TAG_TILE_LENGTH, Integer.MAX_VALUE)
              : value(dir, BaselineTIFFTagSet.TAG_ROWS_PER_STRIP, Integer.MAX_VALUE);
      boolean plain =
          ((spp == 1 && photometric == BaselineTIFFTagSet.PHOTOMETRIC_INTERPRETATION_BLACK_IS_ZERO)
                  || (spp == 3 && photometric == BaselineTIFFTagSet.PHOTOMETRIC_INTERPRETATION_RGB))
              && (bits == 8 || bits == 16)
              && sameBits(dir, bits)
              && value(dir, BaselineTIFFTagSet.TAG_PLANAR_CONFIGURATION, 1) == 1
              && value(dir, BaselineTIFFTagSet.TAG_SAMPLE_FORMAT, 1) == 1
              && !dir.containsTIFFField(BaselineTIFFTagSet.TAG_EXTRA_SAMPLES)
              && (compression == 1
                  || compression == 5
                  || compression == 8
                  || compression == 32946
                  || compression == 32773)
              // the JDK reader lacks 16-bit horizontal differencing
              && (bits == 8 || value(dir, BaselineTIFFTagSet.TAG_PREDICTOR, 1) == 1)
              && rows <= MAX_BLOCK_ROWS
              && reader.getNumImages(true) == 1;
      if (!plain) return closeAll(in, reader, stream);
      return new TiffRows(stream, in, reader, spp, bits == 16);
    } catch (IOException | RuntimeException e) {
      closeAll(in, reader, stream);
      if (e instanceof EngineException) throw (EngineException) e;
      throw new EngineException(
          FailureKind.DECODE, "corrupt or truncated TIFF: " + e.getMessage(), e);
    }
  }

  private static int value(TIFFDirectory dir, int tag, int absent) {
    TIFFField f = dir.getTIFFField(tag);
    return f == null ? absent : f.getAsInt(0);
  }

  private static boolean sameBits(TIFFDirectory dir, int bits) {
    TIFFField f = dir.getTIFFField(BaselineTIFFTagSet.TAG_BITS_PER_SAMPLE);
    for (int i = 0; f != null && i < f.getCount(); i++) {
      if (f.getAsInt(i) != bits) return false;
    }
    return true;
  }

  private static TiffRows closeAll(ImageInputStream in, ImageReader reader, InputStream stream)
      throws IOException {
    if (reader != null) reader.dispose();
    in.close();
    stream.close();
    return null;
  }

  @Override
  public int width() {
    return width;
  }

  @Override
  public int height() {
    return height;
  }

  @Override
  public int type() {
    return opencv_core.CV_MAKETYPE(sixteen ? opencv_core.CV_16U : opencv_core.CV_8U, channels);
  }

  @Override
  public Mat next(int n) throws IOException {
    ImageReadParam p = reader.getDefaultReadParam();
    p.setSourceRegion(new Rectangle(0, next, width, n));
    Raster r;
    try {
      r = reader.read(0, p).getRaster();
    } catch (javax.imageio.IIOException | RuntimeException e) {
      throw new EngineException(
          FailureKind.DECODE, "corrupt or truncated TIFF: " + e.getMessage(), e);
    }
    next += n;
    Mat rows = new Mat(n, width, type());
    Object data = r.getDataElements(0, 0, width, n, null);
    if (sixteen) {
      new ShortPointer(rows.data()).put((short[]) data);
    } else {
      rows.data().put((byte[]) data);
    }
    if (channels == 3) {
      opencv_imgproc.cvtColor(rows, rows, opencv_imgproc.COLOR_RGB2BGR);
    }
    return rows;
  }

  @Override
  public void close() throws IOException {
    reader.dispose();
    in.close();
    stream.close();
  }
}
