package org.superres.engine;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes a TensorFlow GraphDef in protobuf wire format, node by node, without TensorFlow: the few
 * node and attribute kinds a frozen inference graph needs. Field numbers are those of
 * tensorflow/core/framework/{graph, node_def, attr_value, tensor, tensor_shape, versions}.proto.
 * Nodes get TensorFlow's default names (the op's name, then {@code _1}, {@code _2}, ...) unless
 * named; attributes are written in key order. The trainer's exporter writes the project's models
 * with it, and the bench its convolution-ceiling graph.
 */
public final class GraphDefWriter {
  public static final int DT_FLOAT = 1;
  public static final int DT_INT32 = 3;

  /** GraphDef.versions.producer of the TensorFlow that wrote the project's first models. */
  private static final int PRODUCER = 1994;

  private final ByteArrayOutputStream nodes = new ByteArrayOutputStream();
  private final Map<String, Integer> used = new HashMap<>();

  /** A name not used yet: {@code base}, else {@code base_1}, {@code base_2}, ... */
  public String uniqueName(String base) {
    int n = used.merge(base, 1, Integer::sum) - 1;
    return n == 0 ? base : base + "_" + n;
  }

  public String placeholder(String name, long... shape) {
    return node(
        name,
        "Placeholder",
        new String[0],
        attrs("dtype", type(DT_FLOAT), "shape", field(7, shape(shape))));
  }

  /** A float constant stored as raw little-endian bytes (tensor_content). */
  public String constant(String name, int[] shape, float[] values) {
    ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    b.asFloatBuffer().put(values);
    byte[] tensor =
        concat(varintField(1, DT_FLOAT), field(2, shape(toLongs(shape))), field(4, b.array()));
    return node(
        name, "Const", new String[0], attrs("dtype", type(DT_FLOAT), "value", field(8, tensor)));
  }

  /** A float scalar stored as float_val, as TensorFlow writes scalars. */
  public String scalar(float value) {
    ByteBuffer b = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(value);
    byte[] tensor = concat(varintField(1, DT_FLOAT), field(2, new byte[0]), field(5, b.array()));
    return node(
        uniqueName("Const"),
        "Const",
        new String[0],
        attrs("dtype", type(DT_FLOAT), "value", field(8, tensor)));
  }

  /** A 1-D int32 constant (tensor_content). */
  public String int32Vector(int... values) {
    ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    b.asIntBuffer().put(values);
    byte[] tensor =
        concat(varintField(1, DT_INT32), field(2, shape(values.length)), field(4, b.array()));
    return node(
        uniqueName("Const"),
        "Const",
        new String[0],
        attrs("dtype", type(DT_INT32), "value", field(8, tensor)));
  }

  /** 3x3 stride-1 SAME convolution, NHWC. */
  public String conv2d(String input, String filter) {
    byte[] ones = field(1, field(3, new byte[] {1, 1, 1, 1})); // ListValue.i, packed
    return node(
        uniqueName("Conv2d"),
        "Conv2D",
        new String[] {input, filter},
        attrs(
            "T",
            type(DT_FLOAT),
            "data_format",
            string("NHWC"),
            "dilations",
            ones,
            "explicit_paddings",
            field(1, new byte[0]),
            "padding",
            string("SAME"),
            "strides",
            ones,
            "use_cudnn_on_gpu",
            varintField(5, 1)));
  }

  public String biasAdd(String input, String bias) {
    return node(
        uniqueName("BiasAdd"),
        "BiasAdd",
        new String[] {input, bias},
        attrs("T", type(DT_FLOAT), "data_format", string("NHWC")));
  }

  /** A float op of the given inputs with only the T attribute (Relu, Mul, Add). */
  public String op(String op, String... inputs) {
    return node(uniqueName(op), op, inputs, attrs("T", type(DT_FLOAT)));
  }

  public String depthToSpace(String name, String input, int blockSize) {
    return node(
        name,
        "DepthToSpace",
        new String[] {input},
        attrs(
            "T",
            type(DT_FLOAT),
            "block_size",
            varintField(3, blockSize),
            "data_format",
            string("NHWC")));
  }

  public String transpose(String name, String input, String perm) {
    return node(
        name,
        "Transpose",
        new String[] {input, perm},
        attrs("T", type(DT_FLOAT), "Tperm", type(DT_INT32)));
  }

  /** The GraphDef: nodes, an empty function library, versions. */
  public byte[] toByteArray() {
    return concat(nodes.toByteArray(), field(2, new byte[0]), field(4, varintField(1, PRODUCER)));
  }

  // --- NodeDef and AttrValue encoding ---

  private String node(String name, String op, String[] inputs, Map<String, byte[]> attrs) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    write(b, field(1, utf8(name)));
    write(b, field(2, utf8(op)));
    for (String in : inputs) {
      write(b, field(3, utf8(in)));
    }
    for (Map.Entry<String, byte[]> a : attrs.entrySet()) {
      write(b, field(5, concat(field(1, utf8(a.getKey())), field(2, a.getValue()))));
    }
    write(nodes, field(1, b.toByteArray()));
    return name;
  }

  private static Map<String, byte[]> attrs(Object... keyValues) {
    Map<String, byte[]> m = new TreeMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      m.put((String) keyValues[i], (byte[]) keyValues[i + 1]);
    }
    return m;
  }

  private static byte[] type(int dtype) {
    return varintField(6, dtype);
  }

  private static byte[] string(String s) {
    return field(2, utf8(s));
  }

  /** TensorShapeProto: one dim (field 2) per size (Dim.size = field 1); -1 is an unknown size. */
  private static byte[] shape(long... dims) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    for (long d : dims) {
      write(b, field(2, varintField(1, d)));
    }
    return b.toByteArray();
  }

  private static long[] toLongs(int[] a) {
    long[] l = new long[a.length];
    for (int i = 0; i < a.length; i++) {
      l[i] = a[i];
    }
    return l;
  }

  // --- protobuf wire format ---

  private static byte[] varintField(int field, long value) {
    return concat(varint(field << 3), varint(value));
  }

  private static byte[] field(int field, byte[] value) {
    return concat(varint((field << 3) | 2), varint(value.length), value);
  }

  private static byte[] varint(long v) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    while ((v & ~0x7FL) != 0) {
      b.write((int) ((v & 0x7F) | 0x80));
      v >>>= 7;
    }
    b.write((int) v);
    return b.toByteArray();
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      write(b, p);
    }
    return b.toByteArray();
  }

  private static void write(ByteArrayOutputStream b, byte[] p) {
    b.write(p, 0, p.length);
  }
}
