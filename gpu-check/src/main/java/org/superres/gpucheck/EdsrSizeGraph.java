package org.superres.gpucheck;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * A network with the official EDSR x3's size (32 residual blocks of 256 filters) and random
 * weights, for measuring throughput and GPU memory without the 150 MB model file. It is written as
 * a Darknet cfg plus weights, the one OpenCV model format that needs no protobuf writer: plain text
 * and raw floats.
 *
 * <p>Per LR pixel it does the same multiply-adds as EDSR x3: head conv 3->256; 32 blocks of {conv,
 * ReLU, conv, x0.1 (folded into the second conv's weights), + input}; conv 256->256; + head; conv
 * 256->2304. Where EDSR then shuffles 2304 channels to 256 at HR and convolves 3x3 to 3 colours
 * (256*9*3 MACs per HR pixel = 9 HR pixels per LR pixel), this graph convolves 1x1 from 2304 to 27
 * channels at LR (2304*27, the same 62,208 MACs per LR pixel): 27 channels = the 3x3 HR pixels of 3
 * colours, in depth-to-space layout.
 */
public final class EdsrSizeGraph {
  public static final int BLOCKS = 32;
  public static final int FEATS = 256;
  public static final int SCALE = 3;

  private final int blocks;
  private final int feats;
  private final int scale;

  public EdsrSizeGraph(int blocks, int feats, int scale) {
    this.blocks = blocks;
    this.feats = feats;
    this.scale = scale;
  }

  public static EdsrSizeGraph official() {
    return new EdsrSizeGraph(BLOCKS, FEATS, SCALE);
  }

  public int blocks() {
    return blocks;
  }

  public int feats() {
    return feats;
  }

  /** Multiply-adds per LR input pixel (the same as the official EDSR x3 for 32 x 256). */
  public long macsPerInputPixel() {
    long up = (long) feats * scale * scale;
    return 9L * 3 * feats // head
        + (2L * blocks + 1) * 9 * feats * feats // blocks and the body's last conv
        + 9L * feats * up // the upsampling conv
        + up * 3 * scale * scale; // tail, 1x1 (EDSR: 3x3 at HR, same count)
  }

  public String cfg() {
    StringBuilder b = new StringBuilder();
    b.append("[net]\nwidth=64\nheight=64\nchannels=3\n\n");
    conv(b, feats, 3, "linear"); // layer 0: head
    for (int i = 0; i < blocks; i++) {
      conv(b, feats, 3, "relu");
      conv(b, feats, 3, "linear");
      b.append("[shortcut]\nfrom=-3\nactivation=linear\n\n");
    }
    conv(b, feats, 3, "linear"); // layer 3*blocks+1
    b.append("[shortcut]\nfrom=-")
        .append(3 * blocks + 2)
        .append("\nactivation=linear\n\n"); // + head
    conv(b, feats * scale * scale, 3, "linear");
    conv(b, 3 * scale * scale, 1, "linear");
    return b.toString();
  }

  private static void conv(StringBuilder b, int filters, int size, String activation) {
    b.append("[convolutional]\nbatch_normalize=0\nfilters=")
        .append(filters)
        .append("\nsize=")
        .append(size)
        .append("\nstride=1\npad=1\nactivation=")
        .append(activation)
        .append("\n\n");
  }

  /**
   * Writes {@code edsr-size.cfg} and {@code edsr-size.weights} into dir (kept: the same seed gives
   * the same files, so a second check reuses them). Weights are He-uniform, the residual branch
   * scaled by 0.1 as in EDSR, so activations stay in fp16 range through all blocks.
   */
  public Path[] write(Path dir, long seed) {
    try {
      Files.createDirectories(dir);
      String name = "edsr-size-" + blocks + "x" + feats + "-x" + scale + "-seed" + seed;
      Path cfg = dir.resolve(name + ".cfg");
      Path weights = dir.resolve(name + ".weights");
      if (!Files.exists(cfg) || !Files.exists(weights)) {
        Path tmp = dir.resolve(name + ".weights.tmp");
        try (OutputStream out = Files.newOutputStream(tmp)) {
          writeWeights(out, new SplittableRandom(seed));
        }
        Files.move(tmp, weights, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.writeString(cfg, cfg());
      }
      return new Path[] {cfg, weights};
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the EDSR-size graph to " + dir, e);
    }
  }

  private void writeWeights(OutputStream out, SplittableRandom rnd) throws IOException {
    // Darknet header: major, minor, revision (int32), images seen (int64 since 0.2).
    ByteBuffer h = ByteBuffer.allocate(20).order(ByteOrder.LITTLE_ENDIAN);
    h.putInt(0).putInt(2).putInt(0).putLong(0);
    out.write(h.array());
    convWeights(out, rnd, 3, feats, 3, 1.0);
    for (int i = 0; i < blocks; i++) {
      convWeights(out, rnd, feats, feats, 3, 1.0);
      convWeights(out, rnd, feats, feats, 3, 0.1);
    }
    convWeights(out, rnd, feats, feats, 3, 1.0);
    convWeights(out, rnd, feats, feats * scale * scale, 3, 1.0);
    convWeights(out, rnd, feats * scale * scale, 3 * scale * scale, 1, 1.0);
  }

  /** Darknet order per conv: biases[filters], then weights[filters][channels][size][size]. */
  private static void convWeights(
      OutputStream out, SplittableRandom rnd, int in, int filters, int size, double gain)
      throws IOException {
    double limit = gain * Math.sqrt(6.0 / (in * size * size));
    ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
    long n = filters + (long) filters * in * size * size;
    for (long i = 0; i < n; i++) {
      float v = i < filters ? 0f : (float) ((rnd.nextDouble() * 2 - 1) * limit);
      buf.putFloat(v);
      if (!buf.hasRemaining()) {
        out.write(buf.array(), 0, buf.position());
        buf.clear();
      }
    }
    out.write(buf.array(), 0, buf.position());
  }
}
