package org.superres.output;

import java.io.IOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;

/** The file system to read and write images through. */
public final class FileSystems {
  private FileSystems() {}

  /**
   * The path's file system; on local disks the raw one, without Hadoop's checksum files: they would
   * put a ".NAME.crc" beside every image, and their names are parsed as URIs, which fails for scans
   * named by ISO time ("2026-01-01T10:00:00.png" reads as scheme "2026-01-01T10").
   */
  public static FileSystem of(Path p, Configuration hadoop) throws IOException {
    FileSystem fs = p.getFileSystem(hadoop);
    return fs instanceof LocalFileSystem ? ((LocalFileSystem) fs).getRaw() : fs;
  }

  /** A file beside another: "./" keeps a name with a colon from reading as a URI scheme. */
  public static Path sibling(Path file, String name) {
    return new Path(file.getParent(), "./" + name);
  }
}
