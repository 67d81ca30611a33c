package org.superres.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.superres.engine.DecodedImage;
import org.superres.engine.Device;
import org.superres.engine.EnhanceToFile;
import org.superres.engine.Enhancer;
import org.superres.engine.ImageCodec;
import org.superres.engine.ImageFormat;
import org.superres.engine.ImageLimits;
import org.superres.engine.ImageMetadata;
import org.superres.engine.ModelKind;
import org.superres.engine.ModelSpec;
import org.superres.engine.OutputSettings;
import org.superres.engine.PostProcess;
import org.superres.engine.Precision;
import org.superres.engine.SuperResNet;
import org.superres.engine.TiledUpscaler;

/**
 * Child-JVM entry point of the RSS measurement: one image through the engine as an executor
 * processes it (read, decode, tiled enhance, encode PNG, write), then the process's peak resident
 * set (VmHWM), so that nothing else a bench JVM holds is counted. Args: INPUT MODEL_FILE KIND SCALE
 * TILE OVERLAP OUTPUT MODE, MODE streamed (EnhanceToFile: PNG read by rows, written by strips) or
 * in-memory (the whole image decoded, enhanced and encoded).
 */
public final class RssProbe {
  private RssProbe() {}

  public static void main(String[] args) throws Exception {
    Path input = Paths.get(args[0]);
    ModelSpec spec =
        new ModelSpec("probe", ModelKind.parse(args[2]), Integer.parseInt(args[3]), "unchecked");
    SuperResNet net = SuperResNet.load(spec, Paths.get(args[1]), Device.CPU, Precision.FP32);
    net.warmUp();
    long baseKb = PeakRss.readStatusKb("VmHWM");
    long t0 = System.nanoTime();
    TiledUpscaler tiler = new TiledUpscaler(Integer.parseInt(args[4]), Integer.parseInt(args[5]));
    ImageLimits limits = new ImageLimits(Long.MAX_VALUE, Long.MAX_VALUE);
    int tiles;
    String size;
    if (args.length > 7 && args[7].equals("streamed")) {
      EnhanceToFile.Outcome o =
          new EnhanceToFile(net, tiler, limits, OutputSettings.defaults(), PostProcess.NONE)
              .run(() -> Files.newInputStream(input), Paths.get(args[6]), ImageFormat.PNG, null);
      tiles = o.tiles;
      size = o.outputWidth + "x" + o.outputHeight;
    } else {
      ImageCodec codec = new ImageCodec(limits);
      DecodedImage img = codec.decode(Files.readAllBytes(input));
      TiledUpscaler.Result up = new Enhancer(net, tiler).enhance(img.pixels);
      img.pixels.close();
      size = up.image.cols() + "x" + up.image.rows();
      codec.encodeToFile(up.image, ImageFormat.PNG, 92, ImageMetadata.NONE, Paths.get(args[6]));
      up.image.close();
      tiles = up.tiles;
    }
    System.out.println(
        "RSS base_kb="
            + baseKb
            + " peak_kb="
            + PeakRss.readStatusKb("VmHWM")
            + " tiles="
            + tiles
            + " output="
            + size
            + " wall_ms="
            + (System.nanoTime() - t0) / 1_000_000);
  }
}
