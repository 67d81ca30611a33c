package org.superres.bench;

import java.util.Random;
import org.superres.engine.GraphDefWriter;

/**
 * A TensorFlow GraphDef with one 3x3 convolution (C to C channels, SAME padding) and fixed random
 * weights: the smallest graph OpenCV's TensorFlow reader accepts, to time convolution on this CPU
 * without depending on any model file.
 */
final class ConvGraph {
  private ConvGraph() {}

  static byte[] conv3x3(int channels, long seed) {
    Random r = new Random(seed);
    float[] weights = new float[9 * channels * channels];
    for (int i = 0; i < weights.length; i++) {
      weights[i] = (float) ((r.nextDouble() - 0.5) * 0.1);
    }
    GraphDefWriter g = new GraphDefWriter();
    String input = g.placeholder("input", 1, -1, -1, channels);
    g.conv2d(input, g.constant("weights", new int[] {3, 3, channels, channels}, weights));
    return g.toByteArray();
  }
}
