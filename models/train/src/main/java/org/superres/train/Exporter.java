package org.superres.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.superres.engine.GraphDefWriter;

/**
 * Freezes the PyTorch trainer's weights (models/train/edsr_train.py, safetensors) into the
 * TensorFlow GraphDef that OpenCV's {@code DnnSuperResImpl("edsr", scale)} loads, in the layout of
 * the official EDSR_x3.pb and of the project's first models: NHWC float placeholder {@code input}
 * (BGR 0..255 minus the DIV2K mean, subtracted and added back by OpenCV, not by the graph); head
 * conv 3->F; B blocks {conv, ReLU, conv, x res_scale, + input}; conv F->F; + head; conv F->3*S*S;
 * {@code NHWC_output} = depth_to_space(S); {@code NCHW_output} = its NCHW transpose. All
 * convolutions 3x3, SAME, with bias.
 *
 * <p>{@code Exporter WEIGHTS.safetensors OUT.pb}
 */
public final class Exporter {

  /** The network's shape, from the weights file's metadata. */
  public static final class Shape {
    public final int blocks;
    public final int feats;
    public final int scale;
    public final float resScale;

    public Shape(int blocks, int feats, int scale, float resScale) {
      this.blocks = blocks;
      this.feats = feats;
      this.scale = scale;
      this.resScale = resScale;
    }

    static Shape of(SafeTensors w) {
      if (!"superres-edsr".equals(w.metadata.get("format"))) {
        throw new IllegalArgumentException(
            "not a superres-edsr weights file (metadata format = "
                + w.metadata.get("format")
                + ")");
      }
      return new Shape(
          Integer.parseInt(w.meta("blocks")),
          Integer.parseInt(w.meta("feats")),
          Integer.parseInt(w.meta("scale")),
          Float.parseFloat(w.meta("res_scale")));
    }

    public long paramCount() {
      long conv = 9L * feats * feats + feats;
      return (9L * 3 * feats + feats)
          + (2L * blocks + 1) * conv
          + (9L * feats * 3 * scale * scale + 3 * scale * scale);
    }

    @Override
    public String toString() {
      return "EDSR x" + scale + " B=" + blocks + " F=" + feats + " res_scale=" + resScale;
    }
  }

  private Exporter() {}

  /** The frozen GraphDef of a weights file written by edsr_train.py. */
  public static byte[] graphDef(SafeTensors weights) {
    Shape s = Shape.of(weights);
    return graphDef(s, tensorFlowWeights(s, weights));
  }

  /**
   * TensorFlow-layout weights by graph name ({@code head_w}, {@code res0_a_b}, ... {@code up_w}):
   * conv kernels [out, in, kh, kw] to [kh, kw, in, out]; the tail's output channels from
   * pixel-shuffle order (c*S*S + i*S + j) to depth_to_space order ((i*S + j)*3 + c).
   */
  static Map<String, float[]> tensorFlowWeights(Shape s, SafeTensors w) {
    Map<String, float[]> tf = new LinkedHashMap<>();
    conv(tf, "head", w, "head", 3, s.feats, null);
    for (int b = 0; b < s.blocks; b++) {
      conv(tf, "res" + b + "_a", w, "body." + b + ".conv1", s.feats, s.feats, null);
      conv(tf, "res" + b + "_b", w, "body." + b + ".conv2", s.feats, s.feats, null);
    }
    conv(tf, "body_end", w, "body_end", s.feats, s.feats, null);
    int r = s.scale;
    int[] fromShuffle = new int[3 * r * r];
    for (int i = 0; i < r; i++) {
      for (int j = 0; j < r; j++) {
        for (int c = 0; c < 3; c++) {
          fromShuffle[(i * r + j) * 3 + c] = c * r * r + i * r + j;
        }
      }
    }
    conv(tf, "up", w, "tail", s.feats, 3 * r * r, fromShuffle);
    if (w.tensors.size() != tf.size()) {
      throw new IllegalArgumentException(
          "weights file has " + w.tensors.size() + " tensors, " + s + " needs " + tf.size());
    }
    return tf;
  }

  /**
   * Converts one PyTorch conv; output channel o of the result is channel {@code outFrom[o]} (or o)
   * of the source.
   */
  private static void conv(
      Map<String, float[]> tf,
      String tfName,
      SafeTensors w,
      String ptName,
      int in,
      int out,
      int[] outFrom) {
    float[] k = expect(w, ptName + ".weight", out, in, 3, 3);
    float[] b = expect(w, ptName + ".bias", out);
    float[] hwio = new float[k.length];
    float[] bias = new float[out];
    for (int o = 0; o < out; o++) {
      int src = outFrom == null ? o : outFrom[o];
      bias[o] = b[src];
      for (int i = 0; i < in; i++) {
        for (int y = 0; y < 3; y++) {
          for (int x = 0; x < 3; x++) {
            hwio[((y * 3 + x) * in + i) * out + o] = k[((src * in + i) * 3 + y) * 3 + x];
          }
        }
      }
    }
    tf.put(tfName + "_w", hwio);
    tf.put(tfName + "_b", bias);
  }

  private static float[] expect(SafeTensors w, String name, int... shape) {
    SafeTensors.Tensor t = w.tensor(name);
    if (!Arrays.equals(t.shape, shape)) {
      throw new IllegalArgumentException(
          "tensor "
              + name
              + " has shape "
              + Arrays.toString(t.shape)
              + ", expected "
              + Arrays.toString(shape));
    }
    return t.values;
  }

  /**
   * The GraphDef for TensorFlow-layout weights ({@link #tensorFlowWeights}), nodes in TensorFlow
   * Java's order.
   */
  static byte[] graphDef(Shape s, Map<String, float[]> w) {
    GraphDefWriter g = new GraphDefWriter();
    String input = g.placeholder("input", -1, -1, -1, 3);
    String x0 = conv(g, w, "head", input, 3, s.feats);
    String resScale = g.scalar(s.resScale);
    String x = x0;
    for (int b = 0; b < s.blocks; b++) {
      String y = g.op("Relu", conv(g, w, "res" + b + "_a", x, s.feats, s.feats));
      y = conv(g, w, "res" + b + "_b", y, s.feats, s.feats);
      x = g.op("Add", g.op("Mul", y, resScale), x);
    }
    x = g.op("Add", conv(g, w, "body_end", x, s.feats, s.feats), x0);
    x = conv(g, w, "up", x, s.feats, 3 * s.scale * s.scale);
    String nhwc = g.depthToSpace("NHWC_output", x, s.scale);
    g.transpose("NCHW_output", nhwc, g.int32Vector(0, 3, 1, 2));
    return g.toByteArray();
  }

  private static String conv(
      GraphDefWriter g, Map<String, float[]> w, String name, String input, int in, int out) {
    String k =
        g.constant(name + "_w", new int[] {3, 3, in, out}, weight(w, name + "_w", 9 * in * out));
    String b = g.constant(name + "_b", new int[] {out}, weight(w, name + "_b", out));
    return g.biasAdd(g.conv2d(input, k), b);
  }

  private static float[] weight(Map<String, float[]> w, String name, int size) {
    float[] v = w.get(name);
    if (v == null || v.length != size) {
      throw new IllegalArgumentException(
          "weight "
              + name
              + (v == null ? " missing" : " has " + v.length + " values, expected " + size));
    }
    return v;
  }

  /** Writes atomically (temp file + move) so a reader never sees a half-written model. */
  public static void write(byte[] graphDef, Path file) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
    Files.write(tmp, graphDef);
    try {
      // createTempFile makes it owner-only; a model file is meant to be shared
      Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
    } catch (UnsupportedOperationException e) {
      // not a POSIX file system: keep the default
    }
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  public static void main(String[] args) throws IOException {
    if (args.length != 2) {
      System.err.println("usage: Exporter WEIGHTS.safetensors OUT.pb");
      System.exit(2);
    }
    SafeTensors w = SafeTensors.read(Paths.get(args[0]));
    Shape s = Shape.of(w);
    Path out = Paths.get(args[1]);
    write(graphDef(w), out);
    System.out.printf(
        "%s, %,d parameters -> %s (%,d bytes)%n", s, s.paramCount(), out, Files.size(out));
  }
}
