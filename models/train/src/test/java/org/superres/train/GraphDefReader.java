package org.superres.train;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.superres.engine.GraphDefWriter;

/**
 * Reads a GraphDef's nodes in protobuf wire format (the fields {@link GraphDefWriter} writes),
 * independently of the writer, so that two graphs can be compared node by node regardless of the
 * order of their attribute maps.
 */
final class GraphDefReader {

  /** One NodeDef: name, op, inputs and attributes (key -> encoded AttrValue, sorted by key). */
  static final class Node {
    final String name;
    final String op;
    final List<String> inputs = new ArrayList<>();
    final Map<String, String> attrs = new TreeMap<>();

    Node(String name, String op) {
      this.name = name;
      this.op = op;
    }

    @Override
    public String toString() {
      return name + " " + op + " " + inputs + " " + attrs;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Node && toString().equals(o.toString());
    }

    @Override
    public int hashCode() {
      return toString().hashCode();
    }
  }

  final List<Node> nodes = new ArrayList<>();

  /** Fields of GraphDef other than nodes (library, versions), hex-encoded by field number. */
  final Map<Integer, String> other = new TreeMap<>();

  private final Map<String, byte[]> tensorContent = new TreeMap<>();

  GraphDefReader(byte[] graphDef) {
    for (Field f : fields(graphDef)) {
      if (f.number != 1) {
        other.put(f.number, hex(f.bytes));
        continue;
      }
      String name = null;
      String op = null;
      List<String> inputs = new ArrayList<>();
      Map<String, byte[]> attrs = new TreeMap<>();
      for (Field nf : fields(f.bytes)) {
        if (nf.number == 1) {
          name = utf8(nf.bytes);
        } else if (nf.number == 2) {
          op = utf8(nf.bytes);
        } else if (nf.number == 3) {
          inputs.add(utf8(nf.bytes));
        } else if (nf.number == 5) {
          List<Field> kv = fields(nf.bytes);
          attrs.put(utf8(kv.get(0).bytes), kv.size() > 1 ? kv.get(1).bytes : new byte[0]);
        }
      }
      Node n = new Node(name, op);
      n.inputs.addAll(inputs);
      attrs.forEach((k, v) -> n.attrs.put(k, hex(v)));
      nodes.add(n);
      if ("Const".equals(op)) {
        for (Field tf : fields(attrs.get("value"))) { // AttrValue.tensor = 8 -> TensorProto
          for (Field t : fields(tf.bytes)) {
            if (t.number == 4) { // tensor_content
              tensorContent.put(name, t.bytes);
            }
          }
        }
      }
    }
  }

  /** A float constant's values (tensor_content, little-endian). */
  float[] floats(String constName) {
    byte[] b = tensorContent.get(constName);
    if (b == null) {
      throw new IllegalArgumentException("no constant " + constName);
    }
    float[] v = new float[b.length / 4];
    ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(v);
    return v;
  }

  private static final class Field {
    final int number;
    final byte[] bytes;

    Field(int number, byte[] bytes) {
      this.number = number;
      this.bytes = bytes;
    }
  }

  /** Top-level fields of a message; varint values are returned as their encoded bytes. */
  private static List<Field> fields(byte[] b) {
    List<Field> out = new ArrayList<>();
    int[] pos = {0};
    while (pos[0] < b.length) {
      long key = varint(b, pos);
      int type = (int) (key & 7);
      int start = pos[0];
      if (type == 0) {
        varint(b, pos);
        out.add(new Field((int) (key >>> 3), Arrays.copyOfRange(b, start, pos[0])));
      } else if (type == 2) {
        int len = (int) varint(b, pos);
        out.add(new Field((int) (key >>> 3), Arrays.copyOfRange(b, pos[0], pos[0] + len)));
        pos[0] += len;
      } else if (type == 5 || type == 1) {
        int len = type == 5 ? 4 : 8;
        out.add(new Field((int) (key >>> 3), Arrays.copyOfRange(b, pos[0], pos[0] + len)));
        pos[0] += len;
      } else {
        throw new IllegalArgumentException("unsupported wire type " + type);
      }
    }
    return out;
  }

  private static long varint(byte[] b, int[] pos) {
    long r = 0;
    for (int shift = 0; ; shift += 7) {
      int c = b[pos[0]++] & 0xff;
      r |= (long) (c & 0x7f) << shift;
      if (c < 0x80) {
        return r;
      }
    }
  }

  private static String utf8(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }

  private static String hex(byte[] b) {
    StringBuilder s = new StringBuilder();
    for (byte x : b) {
      s.append(String.format("%02x", x));
    }
    return s.toString();
  }
}
