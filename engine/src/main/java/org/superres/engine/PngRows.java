package org.superres.engine;

import ar.com.hjg.pngj.ImageInfo;
import ar.com.hjg.pngj.ImageLineByte;
import ar.com.hjg.pngj.PngReader;
import ar.com.hjg.pngj.PngReaderByte;
import ar.com.hjg.pngj.PngjException;
import ar.com.hjg.pngj.chunks.PngChunk;
import ar.com.hjg.pngj.chunks.PngChunkICCP;
import ar.com.hjg.pngj.chunks.PngChunkITXT;
import ar.com.hjg.pngj.chunks.PngChunkTEXT;
import ar.com.hjg.pngj.chunks.PngChunkUNKNOWN;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.bytedeco.javacpp.ShortPointer;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * A PNG decoded row by row with PNGJ, so a scan of any size costs a few rows of memory. Only the
 * layouts whose samples OpenCV returns unchanged are read this way (8 or 16-bit grey, RGB, RGBA;
 * not interlaced; no tRNS; EXIF orientation normal); {@link #open} returns null for the others,
 * which are decoded whole as before, so both paths give the same pixels and metadata.
 */
final class PngRows implements RowSource {
  private static final String XMP_KEYWORD = "XML:com.adobe.xmp";

  private final PngReader reader;
  private final ImageInfo info;
  private final int type;
  private final ImageMetadata metadata;

  private PngRows(PngReader reader, ImageMetadata metadata) {
    this.reader = reader;
    this.info = reader.imgInfo;
    this.metadata = metadata;
    int depth = info.bitDepth == 16 ? opencv_core.CV_16U : opencv_core.CV_8U;
    this.type = opencv_core.CV_MAKETYPE(depth, info.channels);
  }

  /**
   * The rows of {@code in} (positioned at the PNG signature), or null when this PNG's layout is
   * decoded whole instead; the stream is then closed. Corrupt headers throw EngineException; limits
   * null checks none (a second pass over an input already checked).
   */
  static PngRows open(InputStream in, ImageLimits limits) throws IOException {
    PngReader r;
    try {
      r = new PngReaderByte(in);
    } catch (PngjException e) {
      close(in);
      throw failure(e, "corrupt or truncated PNG header: ");
    }
    try {
      ImageInfo i = r.imgInfo;
      if (limits != null) limits.checkPixels(i.cols, i.rows);
      r.setMaxTotalBytesRead(Long.MAX_VALUE);
      r.setMaxBytesMetadata(64L << 20);
      r.setSkipChunkMaxSize(64L << 20);
      boolean plain =
          !r.interlaced
              && !i.indexed
              && (i.bitDepth == 8 || i.bitDepth == 16)
              && (i.channels == 1 || i.channels == 3 || i.channels == 4)
              && r.getChunksList().getById1("tRNS") == null;
      ImageMetadata m = plain ? metadata(r) : null;
      if (m == null || (m.exif != null && ExifOrientation.read(m.exif) != ExifOrientation.NORMAL)) {
        r.close();
        return null;
      }
      return new PngRows(r, m);
    } catch (PngjException e) {
      r.close();
      throw failure(e, "corrupt or truncated PNG: ");
    } catch (RuntimeException e) {
      r.close();
      throw e;
    }
  }

  /** EXIF, ICC and XMP as ImageCodec reads them from a PNG. */
  private static ImageMetadata metadata(PngReader r) {
    byte[] exif = null;
    byte[] icc = null;
    byte[] xmp = null;
    for (PngChunk c : r.getChunksList().getChunks()) {
      if (c instanceof PngChunkUNKNOWN && c.id.equals("eXIf")) {
        exif = ((PngChunkUNKNOWN) c).getData();
      } else if (c instanceof PngChunkICCP) {
        icc = ((PngChunkICCP) c).getProfile();
      } else if (c instanceof PngChunkITXT && XMP_KEYWORD.equals(((PngChunkITXT) c).getKey())) {
        xmp = ((PngChunkITXT) c).getVal().getBytes(StandardCharsets.UTF_8);
      } else if (c instanceof PngChunkTEXT && XMP_KEYWORD.equals(((PngChunkTEXT) c).getKey())) {
        xmp = ((PngChunkTEXT) c).getVal().getBytes(StandardCharsets.ISO_8859_1);
      }
    }
    return new ImageMetadata(exif, icc, xmp);
  }

  ImageMetadata metadata() {
    return metadata;
  }

  @Override
  public int width() {
    return info.cols;
  }

  @Override
  public int height() {
    return info.rows;
  }

  @Override
  public int type() {
    return type;
  }

  @Override
  public Mat next(int n) throws IOException {
    Mat rows = new Mat(n, info.cols, type);
    int samples = info.samplesPerRow;
    try {
      if (info.bitDepth == 16) {
        ShortPointer p = new ShortPointer(rows.data());
        short[] s = new short[samples];
        for (int y = 0; y < n; y++) {
          // PngReaderByte keeps a 16-bit sample's high and low bytes in two arrays
          ImageLineByte line = (ImageLineByte) reader.readRow();
          byte[] hi = line.getScanlineByte();
          byte[] lo = line.getScanlineByte2();
          for (int i = 0; i < samples; i++) s[i] = (short) ((hi[i] & 0xff) << 8 | (lo[i] & 0xff));
          p.position((long) y * samples).put(s);
        }
      } else {
        for (int y = 0; y < n; y++) {
          rows.ptr(y).put(((ImageLineByte) reader.readRow()).getScanlineByte(), 0, samples);
        }
      }
    } catch (PngjException e) {
      rows.close();
      throw failure(e, "corrupt or truncated PNG: ");
    }
    if (info.channels == 3) {
      opencv_imgproc.cvtColor(rows, rows, opencv_imgproc.COLOR_RGB2BGR);
    } else if (info.channels == 4) {
      opencv_imgproc.cvtColor(rows, rows, opencv_imgproc.COLOR_RGBA2BGRA);
    }
    return rows;
  }

  @Override
  public void close() {
    reader.close();
  }

  /** PNGJ wraps read failures too: those stay IOExceptions (kind io), the rest are decode. */
  private static IOException failure(PngjException e, String what) {
    if (e.getCause() instanceof IOException) return (IOException) e.getCause();
    throw new EngineException(FailureKind.DECODE, what + e.getMessage(), e);
  }

  private static void close(InputStream in) {
    try {
      in.close();
    } catch (IOException e) {
      // nothing was read from it
    }
  }
}
