package org.superres.train;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.nn.DepthToSpace;
import org.tensorflow.types.TFloat32;

/**
 * EDSR topology (Lim et al., 2017) in the layout OpenCV's {@code DnnSuperResImpl("edsr", scale)}
 * expects: NHWC input (BGR 0..255 minus the DIV2K mean, subtracted by OpenCV, not by the graph);
 * head conv 3->F; B residual blocks {conv, ReLU, conv, x0.1, + input}; conv F->F; + head output;
 * conv F->3*s*s; depth_to_space (NHWC) named {@code NHWC_output}; transpose to NCHW named {@code
 * NCHW_output}. All convolutions are 3x3, SAME, with bias.
 */
public final class EdsrGraph {

  /** DIV2K mean in BGR order (what DnnSuperResImpl subtracts for "edsr"). */
  public static final float[] MEAN_BGR = {103.1545782f, 111.561547f, 114.35629928f};

  /**
   * Supplies a parameter tensor by name and shape (variables when training, constants when
   * exporting).
   */
  public interface Params {
    Operand<TFloat32> get(String name, long[] shape);
  }

  /** One parameter's name and shape, in creation order. */
  public static final class ParamSpec {
    public final String name;
    public final long[] shape;

    ParamSpec(String name, long[] shape) {
      this.name = name;
      this.shape = shape;
    }

    public int size() {
      long n = 1;
      for (long d : shape) {
        n *= d;
      }
      return (int) n;
    }

    /** Fan-in of a conv kernel (kh * kw * in); 0 for biases. */
    public int fanIn() {
      return shape.length == 4 ? (int) (shape[0] * shape[1] * shape[2]) : 0;
    }

    @Override
    public String toString() {
      return name + Arrays.toString(shape);
    }
  }

  public final int blocks;
  public final int feats;
  public final int scale;

  public EdsrGraph(int blocks, int feats, int scale) {
    this.blocks = blocks;
    this.feats = feats;
    this.scale = scale;
  }

  /** All parameters in creation order. */
  public List<ParamSpec> params() {
    List<ParamSpec> ps = new ArrayList<>();
    conv(ps, "head", 3, feats);
    for (int b = 0; b < blocks; b++) {
      conv(ps, "res" + b + "_a", feats, feats);
      conv(ps, "res" + b + "_b", feats, feats);
    }
    conv(ps, "body_end", feats, feats);
    conv(ps, "up", feats, 3 * scale * scale);
    return ps;
  }

  public long paramCount() {
    long n = 0;
    for (ParamSpec p : params()) {
      n += p.size();
    }
    return n;
  }

  private static void conv(List<ParamSpec> ps, String name, int in, int out) {
    ps.add(new ParamSpec(name + "_w", new long[] {3, 3, in, out}));
    ps.add(new ParamSpec(name + "_b", new long[] {out}));
  }

  private static Operand<TFloat32> conv(
      Ops tf, Params p, String name, Operand<TFloat32> x, int in, int out) {
    Operand<TFloat32> w = p.get(name + "_w", new long[] {3, 3, in, out});
    Operand<TFloat32> b = p.get(name + "_b", new long[] {out});
    return tf.nn.biasAdd(tf.nn.conv2d(x, w, Arrays.asList(1L, 1L, 1L, 1L), "SAME"), b);
  }

  /** Builds the network; returns the NHWC output (named {@code NHWC_output}). */
  public Operand<TFloat32> buildNhwc(Ops tf, Params p, Operand<TFloat32> input) {
    Operand<TFloat32> x0 = conv(tf, p, "head", input, 3, feats);
    Operand<TFloat32> x = x0;
    Operand<TFloat32> resScale = tf.constant(0.1f);
    for (int b = 0; b < blocks; b++) {
      Operand<TFloat32> y = tf.nn.relu(conv(tf, p, "res" + b + "_a", x, feats, feats));
      y = conv(tf, p, "res" + b + "_b", y, feats, feats);
      x = tf.math.add(tf.math.mul(y, resScale), x);
    }
    x = conv(tf, p, "body_end", x, feats, feats);
    x = tf.math.add(x, x0);
    x = conv(tf, p, "up", x, feats, 3 * scale * scale);
    return tf.withName("NHWC_output")
        .nn
        .depthToSpace(x, (long) scale, DepthToSpace.dataFormat("NHWC"));
  }

  /** Adds the final NCHW transpose named {@code NCHW_output}. */
  public Operand<TFloat32> toNchw(Ops tf, Operand<TFloat32> nhwc) {
    return tf.withName("NCHW_output").linalg.transpose(nhwc, tf.constant(new int[] {0, 3, 1, 2}));
  }
}
