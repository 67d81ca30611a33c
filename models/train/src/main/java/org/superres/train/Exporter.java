package org.superres.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/**
 * Writes a frozen inference GraphDef (weights as constants) that OpenCV's DnnSuperResImpl("edsr")
 * reads.
 */
public final class Exporter {

  private Exporter() {}

  /** Serialized frozen GraphDef for the given weights. */
  public static byte[] frozenGraph(EdsrGraph net, Map<String, float[]> weights) {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Placeholder<TFloat32> in =
          tf.withName("input")
              .placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, -1, -1, 3)));
      EdsrGraph.Params consts =
          (name, shape) -> {
            float[] w = weights.get(name);
            if (w == null) {
              throw new IllegalArgumentException("missing weight " + name);
            }
            Operand<TFloat32> c =
                tf.withName(name).constant(Shape.of(shape), DataBuffers.of(w, true, false));
            return c;
          };
      net.toNchw(tf, net.buildNhwc(tf, consts, in));
      return g.toGraphDef().toByteArray();
    }
  }

  /** Writes atomically (temp file + move) so a reader never sees a half-written model. */
  public static void write(byte[] graphDef, Path file) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
    Files.write(tmp, graphDef);
    try {
      // createTempFile makes it owner-only; a model file is meant to be shared
      Files.setPosixFilePermissions(
          tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
    } catch (UnsupportedOperationException e) {
      // not a POSIX file system: keep the default
    }
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
