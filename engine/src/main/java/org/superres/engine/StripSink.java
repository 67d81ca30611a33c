package org.superres.engine;

import java.io.IOException;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Receives an enhanced image as full-width strips, top to bottom, and writes it as they come, so
 * that no more than a strip of the output is held at a time. The caller keeps ownership of each
 * strip: a sink copies what it needs before write returns.
 */
interface StripSink extends AutoCloseable {
  /** The next rows of the output, in order, in the output's final channels and depth. */
  void write(Mat strip) throws IOException;

  /** Every row was written: completes the file. */
  void finish() throws IOException;

  /** Releases what the sink holds; after finish, or to abandon a failed image. */
  @Override
  void close() throws IOException;
}
