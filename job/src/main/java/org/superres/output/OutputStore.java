package org.superres.output;

import java.io.IOException;
import java.io.OutputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Writes an output so that it appears whole or not at all. On file systems with atomic rename
 * (HDFS, local) the bytes go to a hidden temporary name in the same directory first; object stores
 * (s3a, gs) only publish an object when its upload completes, so they are written in place.
 */
public final class OutputStore {
  private final Configuration hadoop;

  public OutputStore(Configuration hadoop) {
    this.hadoop = hadoop;
  }

  public static boolean isObjectStore(String scheme) {
    return "s3a".equals(scheme)
        || "s3".equals(scheme)
        || "gs".equals(scheme)
        || "wasbs".equals(scheme)
        || "abfs".equals(scheme)
        || "abfss".equals(scheme);
  }

  /**
   * Whether a file name is one of our temporary names (".NAME.ATTEMPT.tmp"), left over by a killed
   * attempt.
   */
  public static boolean isTempName(String name) {
    return name.startsWith(".") && name.endsWith(".tmp");
  }

  /**
   * Streams a local file (an encoded image) to its output, with the same guarantees as
   * write(bytes).
   */
  public void copy(java.nio.file.Path local, String uri, String attemptTag) throws IOException {
    writeWith(uri, attemptTag, out -> java.nio.file.Files.copy(local, out));
  }

  /**
   * @param attemptTag distinguishes concurrent attempts (retries, speculation) of the same output
   */
  public void write(String uri, byte[] bytes, String attemptTag) throws IOException {
    writeWith(uri, attemptTag, out -> out.write(bytes));
  }

  private interface Body {
    void writeTo(OutputStream out) throws IOException;
  }

  private void writeWith(String uri, String attemptTag, Body body) throws IOException {
    Path target = new Path(uri);
    FileSystem fs = FileSystems.of(target, hadoop);
    if (isObjectStore(fs.getUri().getScheme())) {
      try (OutputStream out = fs.create(target, true)) {
        body.writeTo(out);
      }
      return;
    }
    Path tmp = FileSystems.sibling(target, "." + target.getName() + "." + attemptTag + ".tmp");
    try {
      try (OutputStream out = fs.create(tmp, true)) {
        body.writeTo(out);
      }
      if (!fs.rename(tmp, target)) {
        // rename does not replace on HDFS: replace explicitly (overwrite mode, or a retried
        // attempt)
        fs.delete(target, false);
        if (!fs.rename(tmp, target)) {
          throw new IOException("cannot rename " + tmp + " to " + target);
        }
      }
    } finally {
      fs.delete(tmp, false);
    }
  }
}
