package org.superres.bench;

import java.util.LinkedHashMap;
import java.util.Map;

/** One timed pass of one mode over one image set. */
final class PassResult {
  final int images;
  final long inputPixels;
  final double seconds;
  final Map<String, Double> stageMsPerImage;

  /** Extra figures a mode reports (the job: wall seconds, model loads). */
  final Map<String, Object> extra = new LinkedHashMap<>();

  PassResult(int images, long inputPixels, double seconds, Map<String, Double> stageMsPerImage) {
    this.images = images;
    this.inputPixels = inputPixels;
    this.seconds = seconds;
    this.stageMsPerImage = stageMsPerImage;
  }

  double imagesPerSecond() {
    return images / seconds;
  }

  double megapixelsPerSecond() {
    return inputPixels / 1e6 / seconds;
  }
}
