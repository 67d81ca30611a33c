package org.superres.listing;

import java.io.Serializable;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.superres.engine.FailureKind;

/**
 * One entry of a listing: a candidate input (a regular file with an accepted name), or something at
 * such a name that cannot be one (a named pipe, a socket, a dangling link), which still gets its
 * manifest row. Listings are Datasets of these rows ({@link #SCHEMA}), so the driver never holds an
 * archive's list.
 */
public final class ListedFile implements Serializable {
  private static final long serialVersionUID = 1L;

  public static final StructType SCHEMA =
      new StructType()
          .add("uri", DataTypes.StringType, false)
          .add("relative_path", DataTypes.StringType, false)
          .add("size", DataTypes.LongType, true)
          .add("mtime", DataTypes.LongType, true)
          .add("real_path", DataTypes.StringType, true)
          .add("via_link", DataTypes.BooleanType, false)
          .add("problem", DataTypes.StringType, true)
          .add("problem_kind", DataTypes.StringType, true)
          .add("source", DataTypes.IntegerType, false);

  /** The file's URI as Hadoop qualifies it (file:/..., s3a://bucket/..., hdfs://host/...). */
  public final String uri;

  /** Path below its listing root, '/'-separated, never starting with '/' nor holding "..". */
  public final String relativePath;

  /** Bytes and modification time (epoch ms), or null where a list did not say. */
  public final Long size;

  public final Long modificationTime;

  /** On local disks: the path with every link resolved (one input per real file); else null. */
  public final String realPath;

  /** Reached through a symbolic link (a listing prefers the path without one). */
  public final boolean viaLink;

  /** Why this entry is not an input (e.g. "named pipe (FIFO)"), or null for a regular file. */
  public final String problem;

  /** The failure kind of the problem (FailureKind.label()): not-a-file for what a listing finds. */
  public final String problemKind;

  /** Which --input (or --input-list) it came from: the first one wins a file listed twice. */
  public final int source;

  public ListedFile(
      String uri,
      String relativePath,
      Long size,
      Long modificationTime,
      String realPath,
      boolean viaLink,
      String problem,
      int source) {
    this(uri, relativePath, size, modificationTime, realPath, viaLink, problem, source, null);
  }

  public ListedFile(
      String uri,
      String relativePath,
      Long size,
      Long modificationTime,
      String realPath,
      boolean viaLink,
      String problem,
      int source,
      String problemKind) {
    this.uri = uri;
    this.relativePath = relativePath;
    this.size = size;
    this.modificationTime = modificationTime;
    this.realPath = realPath;
    this.viaLink = viaLink;
    this.problem = problem;
    this.problemKind =
        problem == null ? null : problemKind != null ? problemKind : FailureKind.NOT_A_FILE.label();
    this.source = source;
  }

  public Row toRow() {
    return RowFactory.create(
        uri, relativePath, size, modificationTime, realPath, viaLink, problem, problemKind, source);
  }

  @Override
  public String toString() {
    return uri + (problem == null ? "" : " (" + problem + ")");
  }
}
