package org.superres.bench;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Random;

/**
 * A TensorFlow GraphDef with one 3x3 convolution (C to C channels, SAME padding) and fixed random
 * weights, in protobuf wire format: the smallest graph OpenCV's TensorFlow reader accepts, to time
 * convolution on this CPU without depending on any model file. Field numbers are those of
 * tensorflow/core/framework/*.proto.
 */
final class ConvGraph {
  private static final int DT_FLOAT = 1;

  private ConvGraph() {}

  static byte[] conv3x3(int channels, long seed) {
    Random r = new Random(seed);
    ByteBuffer w = ByteBuffer.allocate(9 * channels * channels * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < 9 * channels * channels; i++) {
      w.putFloat((float) ((r.nextDouble() - 0.5) * 0.1));
    }
    byte[] shape = concat(dim(3), dim(3), dim(channels), dim(channels));
    byte[] tensor =
        concat(varintField(1, DT_FLOAT), bytesField(2, shape), bytesField(4, w.array()));
    byte[] input =
        node("input", "Placeholder", new String[0], attr("dtype", varintField(6, DT_FLOAT)));
    byte[] weights =
        node(
            "weights",
            "Const",
            new String[0],
            attr("dtype", varintField(6, DT_FLOAT)),
            attr("value", bytesField(8, tensor)));
    byte[] list =
        bytesField(3, concat(varint(1), varint(1), varint(1), varint(1))); // ListValue.i, packed
    byte[] conv =
        node(
            "conv",
            "Conv2D",
            new String[] {"input", "weights"},
            attr("T", varintField(6, DT_FLOAT)),
            attr("strides", bytesField(1, list)),
            attr("padding", bytesField(2, utf8("SAME"))),
            attr("data_format", bytesField(2, utf8("NHWC"))));
    return concat(bytesField(1, input), bytesField(1, weights), bytesField(1, conv));
  }

  /** TensorShapeProto.dim entry (Dim.size = field 1), already framed as field 2. */
  private static byte[] dim(int size) {
    return bytesField(2, varintField(1, size));
  }

  /** NodeDef: name 1, op 2, input 3, attr 5 (map entries: key 1, value 2). */
  private static byte[] node(String name, String op, String[] inputs, byte[]... attrs) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    write(b, bytesField(1, utf8(name)));
    write(b, bytesField(2, utf8(op)));
    for (String in : inputs) write(b, bytesField(3, utf8(in)));
    for (byte[] a : attrs) write(b, bytesField(5, a));
    return b.toByteArray();
  }

  private static byte[] attr(String key, byte[] attrValue) {
    return concat(bytesField(1, utf8(key)), bytesField(2, attrValue));
  }

  private static byte[] varintField(int field, long value) {
    return concat(varint(field << 3), varint(value));
  }

  private static byte[] bytesField(int field, byte[] value) {
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
    for (byte[] p : parts) write(b, p);
    return b.toByteArray();
  }

  private static void write(ByteArrayOutputStream b, byte[] p) {
    b.write(p, 0, p.length);
  }
}
