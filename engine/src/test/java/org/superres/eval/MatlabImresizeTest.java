package org.superres.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class MatlabImresizeTest {

  @Test
  void cubicKernelValues() {
    assertEquals(1.0, MatlabImresize.cubic(0), 0);
    assertEquals(0.0, MatlabImresize.cubic(1), 1e-15);
    assertEquals(0.0, MatlabImresize.cubic(2), 1e-15);
    assertEquals(0.5625, MatlabImresize.cubic(0.5), 1e-15);
    assertEquals(-0.0625, MatlabImresize.cubic(1.5), 1e-15);
  }

  @Test
  void weightsAreNormalizedAndIndicesInRange() {
    for (double s : new double[] {1.0 / 3, 3}) {
      int in = 20;
      int out = MatlabImresize.outputLength(in, s);
      MatlabImresize.Contributions c = MatlabImresize.contributions(in, out, s, true);
      for (int i = 0; i < out; i++) {
        double sum = 0;
        for (int t = 0; t < c.taps; t++) {
          sum += c.weights[i * c.taps + t];
          int idx = c.indices[i * c.taps + t];
          assertEquals(true, idx >= 0 && idx < in, "index " + idx);
        }
        assertEquals(1.0, sum, 1e-12);
      }
    }
    // antialiased x1/3: kernel width 12, 14 candidate taps at integer offsets -6..7 from the
    // centre; the
    // columns at offsets +-3 and +-6 (zeros of the stretched kernel) and 7 are all-zero and
    // dropped, as in MATLAB
    MatlabImresize.Contributions down = MatlabImresize.contributions(30, 10, 1.0 / 3, true);
    assertEquals(9, down.taps);
    // x3 up: 6 candidate taps, the outer two always fall on kernel zeros (|d| = 2 or beyond)
    MatlabImresize.Contributions up = MatlabImresize.contributions(10, 30, 3, true);
    assertEquals(4, up.taps);
  }

  @Test
  void constantImageStaysConstant() {
    int h = 12;
    int w = 9;
    double[] img = new double[h * w * 3];
    java.util.Arrays.fill(img, 77);
    double[] down = MatlabImresize.resize(img, h, w, 3, 1.0 / 3, true);
    assertEquals(4 * 3 * 3, down.length);
    for (double v : down) {
      assertEquals(77, v, 0);
    }
    double[] up = MatlabImresize.resize(img, h, w, 3, 3, false);
    assertEquals(36 * 27 * 3, up.length);
    for (double v : up) {
      assertEquals(77, v, 1e-9);
    }
  }

  @Test
  void linearRampIsReproducedInTheInterior() {
    // Symmetric, normalized cubic kernels reproduce linear functions away from the borders.
    int w = 60;
    double[] ramp = new double[w];
    for (int x = 0; x < w; x++) {
      ramp[x] = 2.0 * (x + 1); // value at 1-based MATLAB coordinate x+1
    }
    for (double s : new double[] {1.0 / 3, 3}) {
      int ow = MatlabImresize.outputLength(w, s);
      double[] out = MatlabImresize.resize(ramp, 1, w, 1, 1, ow, 1, s, false);
      for (int i = 8; i < ow - 8; i++) {
        double u = (i + 1) / s + 0.5 * (1 - 1 / s);
        assertEquals(2.0 * u, out[i], 1e-9, "scale " + s + " sample " + i);
      }
    }
  }
}
