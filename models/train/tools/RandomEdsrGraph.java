import java.nio.file.Path;
import java.nio.file.Paths;
import org.superres.train.Exporter;
import org.superres.train.Trainer;

/**
 * Writes an EDSR frozen graph with random (He-initialised) weights, for throughput planning only:
 * {@code java -cp TRAINER_CLASSPATH models/train/tools/RandomEdsrGraph.java BLOCKS FEATS SCALE OUT.pb}.
 * Uses the trainer's own graph and exporter (models/train), so OpenCV reads it exactly as a trained model.
 */
public class RandomEdsrGraph {
  public static void main(String[] args) throws Exception {
    Trainer.Config cfg = new Trainer.Config();
    cfg.blocks = Integer.parseInt(args[0]);
    cfg.feats = Integer.parseInt(args[1]);
    cfg.scale = Integer.parseInt(args[2]);
    cfg.patch = 8; // the training graph is built but never run: keep its placeholders small
    cfg.threads = 1;
    Path out = Paths.get(args[3]);
    try (Trainer t = new Trainer(cfg, System.out)) {
      t.initOrRestore();
      Exporter.write(t.exportFrozen(), out);
      System.out.printf("EDSR x%d B=%d F=%d params=%d -> %s%n", cfg.scale, cfg.blocks, cfg.feats,
          t.net().paramCount(), out);
    }
  }
}
