package org.superres.engine;

import static org.bytedeco.opencv.global.opencv_core.CV_16U;
import static org.bytedeco.opencv.global.opencv_core.CV_8U;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.Deflater;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.ShortPointer;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * A tiled TIFF written tile row by tile row as strips arrive, optionally with a pyramid (each level
 * half the previous, 2x2 box averages, down to one tile), in the layout IIIF image servers serve
 * directly. Tiles are deflated (java.util.zip, horizontal predictor) or JPEG-encoded (OpenCV's
 * libjpeg); ICC profile and XMP go into the full-resolution directory.
 *
 * <p>Why a container writer here rather than a library: none on Maven Central writes tiles from
 * rows as they come with BigTIFF offsets. The JDK's TIFF plug-in writes tiles but only classic TIFF
 * (4 GB) and pulls the whole source image; TwelveMonkeys writes BigTIFF but strips only (its issue
 * 500); imageio-ext and Bio-Formats, which do both, are not on Maven Central. So this class writes
 * only the container (header, tile data, directories: a few hundred lines of the TIFF 6 and BigTIFF
 * specs) and leaves compression to java.util.zip and libjpeg. Tests read its files back with
 * libtiff (tiffinfo, tiffdump), vips, IIPImage and OpenCV.
 *
 * <p>Every level's tiles are written as soon as its tile row is complete, levels interleaved, and
 * the directories at the end: tile data may lie anywhere in a TIFF. The header space is reserved
 * for BigTIFF's 16 bytes, and classic TIFF is chosen at the end when every offset fits in 32 bits,
 * so BigTIFF is used exactly when the file passes 4 GB.
 */
final class TiledTiffWriter implements StripSink {
  /** Tile compression. */
  enum Compression {
    DEFLATE,
    JPEG
  }

  private static final long CLASSIC_LIMIT = 0xFFFF_FFFFL;
  private static final int HEADER = 16;

  private static final int SHORT = 3;
  private static final int LONG = 4;
  private static final int RATIONAL = 5;
  private static final int BYTE = 1;
  private static final int UNDEFINED = 7;
  private static final int LONG8 = 16;

  private final FileChannel channel;
  private final ByteOrder order = ByteOrder.nativeOrder();
  private final int tile;
  private final Compression compression;
  private final int jpegQuality;
  private final int channels;
  private final boolean sixteen;
  private final ImageMetadata metadata;
  private final boolean forceBigTiff;
  private final List<Level> levels = new ArrayList<>();
  private final Deflater deflater = new Deflater(6);
  private long position = HEADER;
  private byte[] raw;
  private byte[] zipped;
  private short[] shorts;
  private long bytesWritten;

  /**
   * @param channels of the strips written (1, 3 or 4); JPEG tiles keep grey or BGR: alpha is
   *     dropped and 16-bit samples reduced to 8 bits, as for JPEG outputs
   * @param depth CV_8U or CV_16U, of the strips written
   * @param pyramid whether reduced levels follow the full resolution
   * @param metadata ICC profile and XMP packet written to the full-resolution directory
   */
  TiledTiffWriter(
      Path file,
      int width,
      int height,
      int channels,
      int depth,
      int tile,
      boolean pyramid,
      Compression compression,
      int jpegQuality,
      ImageMetadata metadata)
      throws IOException {
    this(
        file,
        width,
        height,
        channels,
        depth,
        tile,
        pyramid,
        compression,
        jpegQuality,
        metadata,
        false);
  }

  /** forceBigTiff lets tests check the BigTIFF layout without writing 4 GB. */
  TiledTiffWriter(
      Path file,
      int width,
      int height,
      int channels,
      int depth,
      int tile,
      boolean pyramid,
      Compression compression,
      int jpegQuality,
      ImageMetadata metadata,
      boolean forceBigTiff)
      throws IOException {
    if (tile < 16 || tile % 16 != 0) {
      throw new IllegalArgumentException("TIFF tiles must be a multiple of 16, got " + tile);
    }
    this.tile = tile;
    this.compression = compression;
    this.jpegQuality = jpegQuality;
    boolean jpeg = compression == Compression.JPEG;
    this.channels = jpeg && channels == 4 ? 3 : channels;
    this.sixteen = depth == CV_16U && !jpeg;
    this.metadata = metadata == null ? ImageMetadata.NONE : metadata;
    this.forceBigTiff = forceBigTiff;
    int w = width;
    int h = height;
    levels.add(new Level(w, h));
    while (pyramid && Math.max(w, h) > tile && w >= 2 && h >= 2) {
      w /= 2;
      h /= 2;
      levels.add(new Level(w, h));
    }
    this.channel =
        FileChannel.open(
            file,
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING);
  }

  /** Number of directories (1 without a pyramid). */
  int levels() {
    return levels.size();
  }

  @Override
  public void write(Mat strip) throws IOException {
    if (compression != Compression.JPEG) {
      levels.get(0).add(strip, 0, true);
      return;
    }
    Mat samples = jpegSamples(strip);
    try {
      levels.get(0).add(samples, 0, false);
    } finally {
      if (samples != strip) samples.close();
    }
  }

  @Override
  public void finish() throws IOException {
    for (Level l : levels) {
      if (l.rowsDone != l.height) {
        throw new IllegalStateException(
            "TIFF level " + l.width + "x" + l.height + " got " + l.rowsDone + " rows");
      }
    }
    // a little slack: classicEnd's padding is estimated
    boolean big = forceBigTiff || classicEnd() + 64 > CLASSIC_LIMIT;
    long first = writeDirectories(big);
    ByteBuffer header = ByteBuffer.allocate(HEADER).order(order);
    header.put((byte) (order == ByteOrder.LITTLE_ENDIAN ? 'I' : 'M'));
    header.put(header.get(0));
    if (big) {
      header.putShort((short) 43).putShort((short) 8).putShort((short) 0).putLong(first);
    } else {
      header.putShort((short) 42).putInt((int) first);
    }
    header.flip();
    channel.write(header, 0);
    channel.force(false);
  }

  /** Bytes of the finished file. */
  long size() {
    return bytesWritten + HEADER;
  }

  @Override
  public void close() throws IOException {
    deflater.end();
    for (Level l : levels) l.pending.close();
    channel.close();
  }

  /**
   * What JPEG tiles take: 8-bit grey or BGR, which OpenCV's encoder turns into YCbCr itself.
   * Deflated tiles take the strip as it is (turned into TIFF's RGB order in the level's buffer, not
   * copied).
   */
  private static Mat jpegSamples(Mat strip) {
    Mat m = strip;
    if (m.depth() == CV_16U) {
      Mat m8 = new Mat();
      m.convertTo(m8, CV_8U, 1.0 / 257.0, 0);
      m = m8;
    }
    if (m.channels() == 4) {
      Mat bgr = new Mat();
      opencv_imgproc.cvtColor(m, bgr, opencv_imgproc.COLOR_BGRA2BGR);
      if (m != strip) m.close();
      m = bgr;
    }
    return m;
  }

  /** One resolution: collects rows up to a tile row, writes its tiles, feeds the next level. */
  private final class Level {
    final int width;
    final int height;
    final int across;
    final long[] offsets;
    final long[] counts;
    final Mat pending;
    int pendingRows;
    int rowsDone;
    int tileRow;

    Level(int width, int height) {
      this.width = width;
      this.height = height;
      this.across = (width + tile - 1) / tile;
      int down = (height + tile - 1) / tile;
      this.offsets = new long[across * down];
      this.counts = new long[across * down];
      this.pending = new Mat();
    }

    /** bgr: rows in OpenCV's order, turned into TIFF's RGB(A) once in the buffer. */
    void add(Mat rows, int index, boolean bgr) throws IOException {
      if (pending.empty()) {
        pending.create(tile, width, rows.type());
      }
      int r = 0;
      while (r < rows.rows()) {
        int n = Math.min(rows.rows() - r, Math.min(tile - pendingRows, height - rowsDone));
        if (n <= 0) {
          throw new IllegalStateException("more rows than the TIFF level's " + height);
        }
        try (Mat from = rows.rowRange(r, r + n);
            Mat to = pending.rowRange(pendingRows, pendingRows + n)) {
          from.copyTo(to);
          if (bgr && channels == 3) {
            opencv_imgproc.cvtColor(to, to, opencv_imgproc.COLOR_BGR2RGB);
          } else if (bgr && channels == 4) {
            opencv_imgproc.cvtColor(to, to, opencv_imgproc.COLOR_BGRA2RGBA);
          }
        }
        pendingRows += n;
        rowsDone += n;
        r += n;
        if (pendingRows == tile || rowsDone == height) {
          flush(index);
        }
      }
    }

    private void flush(int index) throws IOException {
      for (int tx = 0; tx < across; tx++) {
        int x0 = tx * tile;
        int tw = Math.min(tile, width - x0);
        try (Mat t = new Mat(tile, tile, pending.type(), Scalar.all(0));
            Mat src = new Mat(pending, new Rect(x0, 0, tw, pendingRows));
            Mat dst = new Mat(t, new Rect(0, 0, tw, pendingRows))) {
          src.copyTo(dst);
          ByteBuffer data = compression == Compression.JPEG ? ByteBuffer.wrap(jpeg(t)) : deflate(t);
          int i = tileRow * across + tx;
          offsets[i] = position;
          counts[i] = data.remaining();
          append(data);
        }
      }
      if (index + 1 < levels.size()) {
        // 2x2 box averages (INTER_AREA at exactly half): a tile row has an even number of rows but
        // the last one, whose odd row is dropped, as the next level's height rounds down.
        Level next = levels.get(index + 1);
        int h2 = pendingRows / 2;
        if (h2 > 0) {
          try (Mat even = new Mat(pending, new Rect(0, 0, next.width * 2, h2 * 2));
              Mat half = new Mat()) {
            opencv_imgproc.resize(
                even, half, new Size(next.width, h2), 0, 0, opencv_imgproc.INTER_AREA);
            next.add(half, index + 1, false);
          }
        }
      }
      pendingRows = 0;
      tileRow++;
    }
  }

  private byte[] jpeg(Mat t) {
    BytePointer out = new BytePointer();
    int[] params = {opencv_imgcodecs.IMWRITE_JPEG_QUALITY, jpegQuality};
    if (!opencv_imgcodecs.imencode(".jpg", t, out, new IntPointer(params))) {
      throw new EngineException(FailureKind.ENCODE, "OpenCV refused to encode a JPEG tile");
    }
    byte[] b = new byte[(int) out.limit()];
    out.get(b);
    out.close();
    return b;
  }

  /**
   * Horizontal differencing (TIFF predictor 2), then zlib, as libtiff's Adobe Deflate. The tile
   * buffers are reused: a new pair per tile would grow the heap with the image.
   */
  private ByteBuffer deflate(Mat t) {
    int rowSamples = tile * channels;
    int samples = tile * rowSamples;
    if (raw == null) {
      raw = new byte[samples * (sixteen ? 2 : 1)];
      zipped = new byte[raw.length + raw.length / 100 + 1024];
      shorts = sixteen ? new short[samples] : null;
    }
    if (sixteen) {
      new ShortPointer(t.data()).get(shorts);
      for (int y = 0; y < tile; y++) {
        int row = y * rowSamples;
        for (int i = row + rowSamples - 1; i >= row + channels; i--) {
          shorts[i] -= shorts[i - channels];
        }
      }
      ByteBuffer.wrap(raw).order(order).asShortBuffer().put(shorts);
    } else {
      t.data().get(raw);
      for (int y = 0; y < tile; y++) {
        int row = y * rowSamples;
        for (int i = row + rowSamples - 1; i >= row + channels; i--) {
          raw[i] -= raw[i - channels];
        }
      }
    }
    deflater.reset();
    deflater.setInput(raw);
    deflater.finish();
    int n = 0;
    while (!deflater.finished()) {
      if (n == zipped.length) zipped = java.util.Arrays.copyOf(zipped, zipped.length * 2);
      n += deflater.deflate(zipped, n, zipped.length - n);
    }
    return ByteBuffer.wrap(zipped, 0, n);
  }

  private void append(ByteBuffer b) throws IOException {
    long n = b.remaining();
    while (b.hasRemaining()) {
      position += channel.write(b, position);
    }
    bytesWritten += n;
  }

  // ---- directories

  /** One directory entry before layout: tag, type, count and the value's bytes. */
  private static final class Entry {
    final int tag;
    final int type;
    final long count;
    final byte[] value;

    Entry(int tag, int type, long count, byte[] value) {
      this.tag = tag;
      this.type = type;
      this.count = count;
      this.value = value;
    }
  }

  private List<Entry> entries(int index, boolean big) {
    Level l = levels.get(index);
    boolean jpeg = compression == Compression.JPEG;
    int bits = sixteen ? 16 : 8;
    List<Entry> e = new ArrayList<>();
    e.add(longs(254, index == 0 ? 0 : 1)); // NewSubfileType: reduced-resolution image
    e.add(longs(256, l.width));
    e.add(longs(257, l.height));
    short[] bps = new short[channels];
    java.util.Arrays.fill(bps, (short) bits);
    e.add(shorts(258, bps));
    e.add(shorts(259, (short) (jpeg ? 7 : 8)));
    e.add(shorts(262, (short) (channels == 1 ? 1 : jpeg ? 6 : 2)));
    e.add(shorts(277, (short) channels));
    e.add(shorts(284, (short) 1));
    if (!jpeg) {
      e.add(shorts(317, (short) 2));
    }
    e.add(longs(322, tile));
    e.add(longs(323, tile));
    e.add(big ? longs8(324, l.offsets) : longs(324, l.offsets));
    e.add(big ? longs8(325, l.counts) : longs(325, l.counts));
    if (channels == 4) {
      // "unspecified", as OpenCV's own TIFFs leave it: libtiff's RGBA reading, which OpenCV uses
      // for
      // 8-bit files, would premultiply colours by an alpha declared unassociated (2)
      e.add(shorts(338, (short) 0));
    }
    if (jpeg && channels == 3) {
      e.add(shorts(530, (short) 2, (short) 2)); // OpenCV's libjpeg samples chroma 4:2:0
      ByteBuffer rbw = ByteBuffer.allocate(48).order(order);
      for (int v : new int[] {0, 255, 128, 255, 128, 255}) rbw.putInt(v).putInt(1);
      e.add(new Entry(532, RATIONAL, 6, rbw.array()));
    }
    if (index == 0 && metadata.xmp != null) {
      e.add(new Entry(700, BYTE, metadata.xmp.length, metadata.xmp));
    }
    if (index == 0 && metadata.icc != null) {
      e.add(new Entry(34675, UNDEFINED, metadata.icc.length, metadata.icc));
    }
    return e;
  }

  /** Where the file ends with classic TIFF's 32-bit offsets (tile data is already written). */
  private long classicEnd() {
    long end = position;
    for (int i = 0; i < levels.size(); i++) {
      List<Entry> es = entries(i, false);
      end += (end & 1) + 2 + 12L * es.size() + 4;
      for (Entry e : es) {
        if (e.value.length > 4) end += e.value.length + (e.value.length & 1);
      }
    }
    return end;
  }

  /** Writes every level's directory, chained in order; returns the first one's offset. */
  private long writeDirectories(boolean big) throws IOException {
    long first = 0;
    long previousNext = -1;
    for (int i = 0; i < levels.size(); i++) {
      List<Entry> es = entries(i, big);
      int inline = big ? 8 : 4;
      // values that do not fit in their entry go before the directory
      long[] at = new long[es.size()];
      for (int k = 0; k < es.size(); k++) {
        Entry e = es.get(k);
        if (e.value.length > inline) {
          align();
          at[k] = position;
          append(ByteBuffer.wrap(e.value));
        }
      }
      align();
      long dir = position;
      int size = (big ? 8 : 2) + es.size() * (big ? 20 : 12) + (big ? 8 : 4);
      ByteBuffer b = ByteBuffer.allocate(size).order(order);
      if (big) b.putLong(es.size());
      else b.putShort((short) es.size());
      for (int k = 0; k < es.size(); k++) {
        Entry e = es.get(k);
        b.putShort((short) e.tag).putShort((short) e.type);
        if (big) b.putLong(e.count);
        else b.putInt((int) e.count);
        if (e.value.length > inline) {
          if (big) b.putLong(at[k]);
          else b.putInt((int) at[k]);
        } else {
          byte[] v = java.util.Arrays.copyOf(e.value, inline);
          b.put(v);
        }
      }
      if (big) b.putLong(0);
      else b.putInt(0);
      b.flip();
      append(b);
      if (previousNext < 0) {
        first = dir;
      } else {
        patchOffset(previousNext, dir, big);
      }
      previousNext = dir + size - (big ? 8 : 4);
    }
    return first;
  }

  private void patchOffset(long at, long value, boolean big) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(big ? 8 : 4).order(order);
    if (big) b.putLong(value);
    else b.putInt((int) value);
    b.flip();
    channel.write(b, at);
  }

  /** TIFF offsets must be even. */
  private void align() throws IOException {
    if ((position & 1) != 0) append(ByteBuffer.wrap(new byte[1]));
  }

  private Entry shorts(int tag, short... v) {
    ByteBuffer b = ByteBuffer.allocate(2 * v.length).order(order);
    for (short s : v) b.putShort(s);
    return new Entry(tag, SHORT, v.length, b.array());
  }

  private Entry longs(int tag, long... v) {
    ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(order);
    for (long s : v) b.putInt((int) s);
    return new Entry(tag, LONG, v.length, b.array());
  }

  private Entry longs8(int tag, long... v) {
    ByteBuffer b = ByteBuffer.allocate(8 * v.length).order(order);
    for (long s : v) b.putLong(s);
    return new Entry(tag, LONG8, v.length, b.array());
  }
}
