package org.superres.engine;

import ar.com.hjg.pngj.FilterType;
import ar.com.hjg.pngj.ImageInfo;
import ar.com.hjg.pngj.ImageLineByte;
import ar.com.hjg.pngj.ImageLineInt;
import ar.com.hjg.pngj.PngWriter;
import ar.com.hjg.pngj.PngjException;
import ar.com.hjg.pngj.chunks.ChunkRaw;
import ar.com.hjg.pngj.chunks.PngChunkICCP;
import ar.com.hjg.pngj.chunks.PngChunkITXT;
import ar.com.hjg.pngj.chunks.PngChunkSingle;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import org.bytedeco.javacpp.ShortPointer;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * PNG written row by row with PNGJ (8 and 16-bit; grey, RGB, RGBA), so the encoder holds one row,
 * not the image. Metadata as the in-memory path writes it: eXIf (orientation normal, starting at
 * the TIFF header), iCCP and an uncompressed iTXt XML:com.adobe.xmp, all before the pixels.
 */
final class PngStripWriter implements StripSink {
  /** zlib level of the in-memory path (IMWRITE_PNG_COMPRESSION 3): similar size and speed. */
  private static final int LEVEL = 3;

  private final PngWriter png;
  private final ImageInfo info;
  private final int channels;
  private final boolean sixteen;

  // one row's buffers, reused: a gigapixel output is tens of thousands of rows, and a new array
  // per row would grow the heap (and the process) with the image
  private final byte[] byteRow;
  private final ImageLineByte byteLine;
  private final short[] shortRow;
  private final int[] intRow;
  private final ImageLineInt intLine;

  PngStripWriter(
      OutputStream out, int width, int height, int channels, int depth, ImageMetadata metadata) {
    this.channels = channels;
    this.sixteen = depth == opencv_core.CV_16U;
    this.info = new ImageInfo(width, height, sixteen ? 16 : 8, channels == 4, channels == 1, false);
    this.png = new PngWriter(out, info);
    this.byteRow = sixteen ? null : new byte[info.samplesPerRow];
    this.byteLine = sixteen ? null : new ImageLineByte(info, byteRow);
    this.shortRow = sixteen ? new short[info.samplesPerRow] : null;
    this.intRow = sixteen ? new int[info.samplesPerRow] : null;
    this.intLine = sixteen ? new ImageLineInt(info, intRow) : null;
    png.setCompLevel(LEVEL);
    png.setFilterType(FilterType.FILTER_ADAPTIVE_FAST);
    if (metadata != null) {
      queue(metadata);
    }
  }

  private void queue(ImageMetadata m) {
    if (m.exif != null) {
      png.queueChunk(
          new ExifChunk(info, ImageMetadata.withoutExifPrefix(ExifOrientation.normalized(m.exif))));
    }
    if (m.icc != null) {
      PngChunkICCP icc = new PngChunkICCP(info);
      icc.setProfileNameAndContent("ICC Profile", m.icc);
      png.queueChunk(icc);
    }
    if (m.xmp != null) {
      PngChunkITXT xmp = new PngChunkITXT(info);
      xmp.setKeyVal("XML:com.adobe.xmp", new String(m.xmp, StandardCharsets.UTF_8));
      xmp.setCompressed(false);
      xmp.setLangtag("");
      xmp.setTranslatedTag("");
      xmp.setPriority(true);
      png.queueChunk(xmp);
    }
  }

  /**
   * Rows go to PNGJ one at a time, BGR(A) turned into RGB(A) in the row buffer: no copy of the
   * strip is made, since a strip of a 30000-pixel-wide output is already 69 MB.
   */
  @Override
  public void write(Mat strip) throws IOException {
    int samples = info.samplesPerRow;
    try {
      if (sixteen) {
        for (int y = 0; y < strip.rows(); y++) {
          new ShortPointer(strip.ptr(y)).get(shortRow);
          for (int i = 0; i < samples; i++) intRow[i] = shortRow[i] & 0xffff;
          if (channels >= 3) swapRedBlue(intRow);
          png.writeRow(intLine);
        }
      } else {
        for (int y = 0; y < strip.rows(); y++) {
          strip.ptr(y).get(byteRow);
          if (channels >= 3) {
            for (int i = 0; i < samples; i += channels) {
              byte b = byteRow[i];
              byteRow[i] = byteRow[i + 2];
              byteRow[i + 2] = b;
            }
          }
          png.writeRow(byteLine);
        }
      }
    } catch (PngjException e) {
      throw new IOException("PNG encoder: " + e.getMessage(), e);
    }
  }

  private void swapRedBlue(int[] row) {
    for (int i = 0; i < row.length; i += channels) {
      int b = row[i];
      row[i] = row[i + 2];
      row[i + 2] = b;
    }
  }

  @Override
  public void finish() throws IOException {
    try {
      png.end();
    } catch (PngjException e) {
      throw new IOException("PNG encoder: " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    png.close();
  }

  /** eXIf, which PNGJ (older than the chunk) writes only as a chunk of its own. */
  private static final class ExifChunk extends PngChunkSingle {
    private final byte[] data;

    ExifChunk(ImageInfo info, byte[] data) {
      super("eXIf", info);
      this.data = data;
    }

    @Override
    protected ChunkRaw createRawChunk() {
      ChunkRaw c = createEmptyChunk(data.length, true);
      System.arraycopy(data, 0, c.data, 0, data.length);
      return c;
    }

    @Override
    protected void parseFromRaw(ChunkRaw c) {
      throw new UnsupportedOperationException("written only");
    }

    @Override
    public ChunkOrderingConstraint getOrderingConstraint() {
      return ChunkOrderingConstraint.BEFORE_IDAT;
    }
  }
}
