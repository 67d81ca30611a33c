package org.superres.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.superres.engine.DecodedImage;
import org.superres.engine.Device;
import org.superres.engine.Enhancer;
import org.superres.engine.ImageCodec;
import org.superres.engine.ImageFormat;
import org.superres.engine.ImageLimits;
import org.superres.engine.ImageMetadata;
import org.superres.engine.ModelKind;
import org.superres.engine.ModelSpec;
import org.superres.engine.Precision;
import org.superres.engine.SuperResNet;
import org.superres.engine.TiledUpscaler;

/**
 * Child-JVM entry point of the RSS measurement: one image through the engine as an executor
 * processes it (read, decode, tiled enhance, encode PNG, write), then the process's peak resident
 * set (VmHWM), so that nothing else a bench JVM holds is counted. Args: INPUT MODEL_FILE KIND SCALE
 * TILE OVERLAP OUTPUT.
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
    ImageCodec codec = new ImageCodec(new ImageLimits(Long.MAX_VALUE, Long.MAX_VALUE));
    DecodedImage img = codec.decode(Files.readAllBytes(input));
    TiledUpscaler.Result up =
        new Enhancer(net, new TiledUpscaler(Integer.parseInt(args[4]), Integer.parseInt(args[5])))
            .enhance(img.pixels);
    img.pixels.close();
    String size = up.image.cols() + "x" + up.image.rows();
    codec.encodeToFile(up.image, ImageFormat.PNG, 92, ImageMetadata.NONE, Paths.get(args[6]));
    up.image.close();
    System.out.println(
        "RSS base_kb="
            + baseKb
            + " peak_kb="
            + PeakRss.readStatusKb("VmHWM")
            + " tiles="
            + up.tiles
            + " output="
            + size);
  }
}
