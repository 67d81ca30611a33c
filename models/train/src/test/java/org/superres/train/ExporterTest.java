package org.superres.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The exporter against the bundled model (B8 F32, written by the retired TensorFlow Java trainer):
 * its weights, read back out of models/superres-edsr-x3.pb, exported again give the same graph node
 * for node, and the same output through OpenCV.
 */
class ExporterTest {

  static final Path BUNDLED = Paths.get("../superres-edsr-x3.pb");
  static final Exporter.Shape B8F32 = new Exporter.Shape(8, 32, 3, 0.1f);

  static Map<String, float[]> bundledWeights(GraphDefReader g) {
    Map<String, float[]> w = new LinkedHashMap<>();
    for (String name : new String[] {"head", "body_end", "up"}) {
      w.put(name + "_w", g.floats(name + "_w"));
      w.put(name + "_b", g.floats(name + "_b"));
    }
    for (int b = 0; b < 8; b++) {
      for (String half : new String[] {"_a", "_b"}) {
        w.put("res" + b + half + "_w", g.floats("res" + b + half + "_w"));
        w.put("res" + b + half + "_b", g.floats("res" + b + half + "_b"));
      }
    }
    return w;
  }

  @Test
  void reproducesTheBundledGraphNodeForNode() throws Exception {
    byte[] bundled = Files.readAllBytes(BUNDLED);
    GraphDefReader expected = new GraphDefReader(bundled);
    byte[] again = Exporter.graphDef(B8F32, bundledWeights(expected));
    GraphDefReader actual = new GraphDefReader(again);
    assertEquals(expected.nodes.size(), actual.nodes.size());
    for (int i = 0; i < expected.nodes.size(); i++) {
      assertEquals(expected.nodes.get(i), actual.nodes.get(i), "node " + i);
    }
    assertEquals(expected.other, actual.other);
    // same content, attributes in another order: same length
    assertEquals(bundled.length, again.length);
  }

  @Test
  void pyTorchLayoutConvertsToTheBundledGraph() throws Exception {
    GraphDefReader expected = new GraphDefReader(Files.readAllBytes(BUNDLED));
    SafeTensors pt = toPyTorchLayout(B8F32, bundledWeights(expected));
    GraphDefReader actual = new GraphDefReader(Exporter.graphDef(pt));
    assertEquals(expected.nodes, actual.nodes);
  }

  @Test
  void reExportedModelGivesTheSameOutputInOpenCv(@TempDir Path tmp) throws Exception {
    GraphDefReader bundled = new GraphDefReader(Files.readAllBytes(BUNDLED));
    Path again = tmp.resolve("again.pb");
    Exporter.write(Exporter.graphDef(toPyTorchLayout(B8F32, bundledWeights(bundled))), again);
    Mat lr = TestImages.pattern(29, 41, 7);
    try (OpenCvSr a = new OpenCvSr(BUNDLED, "edsr", 3);
        OpenCvSr b = new OpenCvSr(again, "edsr", 3)) {
      byte[] ea = TestImages.bytes(a.apply(lr));
      byte[] eb = TestImages.bytes(b.apply(lr));
      assertEquals(87 * 123 * 3, ea.length);
      assertArrayEquals(ea, eb);
    }
  }

  @Test
  void parameterCounts() {
    assertEquals(165_915, B8F32.paramCount()); // the bundled model's documented count
    assertEquals(1_235_995, new Exporter.Shape(16, 64, 3, 0.1f).paramCount());
  }

  @Test
  void refusesWeightsOfTheWrongShape() {
    Map<String, SafeTensors.Tensor> t =
        new LinkedHashMap<>(
            toPyTorchLayout(new Exporter.Shape(1, 4, 3, 0.1f), randomTfWeights(1, 4, 3)).tensors);
    t.put("body_end.weight", new SafeTensors.Tensor(new int[] {4, 4, 1, 9}, new float[144]));
    SafeTensors bad = new SafeTensors(metadata(1, 4, 3, 0.1f), t);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Exporter.graphDef(bad));
    assertTrue(e.getMessage().contains("body_end.weight"), e.getMessage());
    SafeTensors foreign = new SafeTensors(Map.of("format", "pt"), t);
    assertThrows(IllegalArgumentException.class, () -> Exporter.graphDef(foreign));
  }

  static Map<String, String> metadata(int blocks, int feats, int scale, float resScale) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("format", "superres-edsr");
    m.put("blocks", Integer.toString(blocks));
    m.put("feats", Integer.toString(feats));
    m.put("scale", Integer.toString(scale));
    m.put("res_scale", Float.toString(resScale));
    return m;
  }

  static Map<String, float[]> randomTfWeights(int blocks, int feats, int scale) {
    java.util.Random r = new java.util.Random(1);
    Map<String, float[]> w = new LinkedHashMap<>();
    java.util.function.BiConsumer<String, int[]> conv =
        (name, io) -> {
          float[] k = new float[9 * io[0] * io[1]];
          for (int i = 0; i < k.length; i++) {
            k[i] = (float) r.nextGaussian();
          }
          w.put(name + "_w", k);
          w.put(name + "_b", new float[io[1]]);
        };
    conv.accept("head", new int[] {3, feats});
    for (int b = 0; b < blocks; b++) {
      conv.accept("res" + b + "_a", new int[] {feats, feats});
      conv.accept("res" + b + "_b", new int[] {feats, feats});
    }
    conv.accept("body_end", new int[] {feats, feats});
    conv.accept("up", new int[] {feats, 3 * scale * scale});
    return w;
  }

  /**
   * The inverse of the exporter's conversion, written out separately: HWIO to OIHW, and the tail's
   * channels from depth_to_space order back to pixel-shuffle order, under the PyTorch module's
   * names.
   */
  static SafeTensors toPyTorchLayout(Exporter.Shape s, Map<String, float[]> tf) {
    Map<String, SafeTensors.Tensor> t = new LinkedHashMap<>();
    Map<String, String> names = new LinkedHashMap<>();
    names.put("head", "head");
    for (int b = 0; b < s.blocks; b++) {
      names.put("res" + b + "_a", "body." + b + ".conv1");
      names.put("res" + b + "_b", "body." + b + ".conv2");
    }
    names.put("body_end", "body_end");
    names.put("up", "tail");
    int r = s.scale;
    for (Map.Entry<String, String> e : names.entrySet()) {
      float[] hwio = tf.get(e.getKey() + "_w");
      float[] bias = tf.get(e.getKey() + "_b");
      int out = bias.length;
      int in = hwio.length / 9 / out;
      float[] oihw = new float[hwio.length];
      float[] b = new float[out];
      for (int o = 0; o < out; o++) {
        // PyTorch channel o = c*r*r + i*r + j sits at depth_to_space channel (i*r + j)*3 + c
        int src = e.getKey().equals("up") ? ((o % (r * r)) / r * r + o % r) * 3 + o / (r * r) : o;
        b[o] = bias[src];
        for (int i = 0; i < in; i++) {
          for (int k = 0; k < 9; k++) {
            oihw[(o * in + i) * 9 + k] = hwio[(k * in + i) * out + src];
          }
        }
      }
      t.put(e.getValue() + ".weight", new SafeTensors.Tensor(new int[] {out, in, 3, 3}, oihw));
      t.put(e.getValue() + ".bias", new SafeTensors.Tensor(new int[] {out}, b));
    }
    return new SafeTensors(metadata(s.blocks, s.feats, s.scale, s.resScale), t);
  }
}
