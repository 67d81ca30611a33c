package org.superres.storage;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Random;
import javax.imageio.ImageIO;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Small drawn PNGs (shapes and a bar code of the index, deterministic per index) for the tests that
 * need many inputs but not big ones: multi-executor and fault runs stay quick on a shared two-core
 * machine.
 */
public final class SmallImages {
  private SmallImages() {}

  static byte[] png(int index, int width, int height) throws IOException {
    Random r = new Random(index);
    BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
    Graphics2D g = img.createGraphics();
    g.setColor(new Color(200 + r.nextInt(50), 200 + r.nextInt(50), 190 + r.nextInt(50)));
    g.fillRect(0, 0, width, height);
    g.setStroke(new BasicStroke(2));
    for (int i = 0; i < 6; i++) {
      g.setColor(new Color(r.nextInt(200), r.nextInt(200), r.nextInt(200)));
      g.drawOval(
          r.nextInt(width), r.nextInt(height), 8 + r.nextInt(width / 2), 8 + r.nextInt(height / 2));
    }
    // A bar code of the index instead of text: drawing text needs fonts, which a bare CI machine
    // may lack.
    g.setColor(Color.DARK_GRAY);
    for (int bit = 0; bit < 10; bit++) {
      if ((index >> bit & 1) == 1) {
        g.fillRect(4 + bit * 4, height / 2, 3, 10);
      }
    }
    g.dispose();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(img, "png", out);
    return out.toByteArray();
  }

  /** Writes count images named scan-000.png... into dir; returns count. */
  public static int write(FileSystem fs, Path dir, int count, int width, int height)
      throws IOException {
    for (int i = 0; i < count; i++) {
      try (OutputStream out = fs.create(new Path(dir, String.format("scan-%03d.png", i)), true)) {
        out.write(png(i, width, height));
      }
    }
    return count;
  }
}
