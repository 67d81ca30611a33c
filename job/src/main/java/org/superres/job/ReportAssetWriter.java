package org.superres.job;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.superres.engine.ReportCrops;
import org.superres.output.GalleryFiles;
import org.superres.output.OutputStore;
import org.superres.plan.PlannedInput;

/**
 * Executor side of the report's gallery: the engine makes a sampled input's crops as its strips
 * pass (EnhanceToFile), and this writes them, with a small JSON sidecar, below the run's
 * report-assets directory. The report is a view of the run, so a problem here is logged and never
 * fails the image.
 */
public final class ReportAssetWriter {
  private static final Logger LOG = LoggerFactory.getLogger(ReportAssetWriter.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final ReportCrops crops;
  private final OutputStore store;

  public ReportAssetWriter(int cropEdge, int thumbnailEdge, OutputStore store) {
    this.crops = new ReportCrops(cropEdge, thumbnailEdge);
    this.store = store;
  }

  /** What makes a sampled input's crops as its strips pass through the engine. */
  public ReportCrops crops() {
    return crops;
  }

  /**
   * Writes the images, then the sidecar: the driver shows a sample only once its sidecar exists.
   */
  public void write(PlannedInput in, ReportCrops.Result r, int scale, String attemptTag) {
    String prefix = in.galleryPrefix;
    try {
      store.write(prefix + GalleryFiles.MODEL_CROP, r.modelCropPng, attemptTag);
      store.write(prefix + GalleryFiles.BICUBIC_CROP, r.bicubicCropPng, attemptTag);
      store.write(prefix + GalleryFiles.THUMBNAIL, r.thumbnailJpeg, attemptTag);
      Map<String, Object> side = new LinkedHashMap<>();
      side.put("input_uri", in.input.uri);
      side.put("relative_path", in.input.relativePath);
      side.put("output_uri", in.outputUri);
      side.put("scale", scale);
      Map<String, Object> crop = new LinkedHashMap<>();
      crop.put("x", r.crop.x());
      crop.put("y", r.crop.y());
      crop.put("width", r.crop.width());
      crop.put("height", r.crop.height());
      side.put("crop", crop);
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("width", r.outputWidth);
      out.put("height", r.outputHeight);
      side.put("output", out);
      Map<String, Object> thumb = new LinkedHashMap<>();
      thumb.put("width", r.thumbnailWidth);
      thumb.put("height", r.thumbnailHeight);
      side.put("thumbnail", thumb);
      store.write(prefix + GalleryFiles.SIDECAR, JSON.writeValueAsBytes(side), attemptTag);
    } catch (IOException | RuntimeException e) {
      LOG.warn(
          "report: cannot write gallery assets of {} under {}: {}",
          in.input.uri,
          prefix,
          e.toString());
    }
  }
}
