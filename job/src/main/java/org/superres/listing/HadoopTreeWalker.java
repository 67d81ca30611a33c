package org.superres.listing;

import java.io.IOException;
import java.util.Iterator;
import java.util.function.Consumer;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.superres.output.OutputStore;

/**
 * Lists HDFS, object stores and any other Hadoop file system (none of which has links, pipes or
 * devices). A recursive walk uses the file system's own recursive listing (one flat, paged listing
 * on S3) unless an excluded tree lies below, which a directory-by-directory walk prunes instead.
 */
final class HadoopTreeWalker implements TreeWalker {
  private static final Logger LOG = LoggerFactory.getLogger(HadoopTreeWalker.class);

  private final ListingRules rules;
  private final Configuration hadoop;
  private final boolean deleteTemporaries;

  /**
   * @param deleteTemporaries delete our temporaries (".NAME.ATTEMPT.tmp") met on the way: set when
   *     listing an output tree, where they are images of attempts killed before their rename
   */
  HadoopTreeWalker(ListingRules rules, Configuration hadoop, boolean deleteTemporaries) {
    this.rules = rules;
    this.hadoop = hadoop;
    this.deleteTemporaries = deleteTemporaries;
  }

  @Override
  public Iterator<ListedFile> list(
      String dirUri, String rootUri, int source, boolean recursive, Consumer<String> subdirs)
      throws IOException {
    Path dir = new Path(dirUri);
    FileSystem fs = dir.getFileSystem(hadoop);
    if (recursive && !rules.excludesBelow(dirUri) && !deleteTemporaries) {
      return flat(fs, dir, rootUri, source);
    }
    return new DepthFirst<Path, FileStatus>(dir) {
      @Override
      Iterator<FileStatus> open(Path d) throws IOException {
        return iterator(fs.listStatusIterator(d));
      }

      @Override
      ListedFile visit(Path d, FileStatus s) throws IOException {
        String name = s.getPath().getName();
        if (deleteTemporaries && s.isFile() && OutputStore.isTempName(name)) {
          fs.delete(s.getPath(), false); // never an output: a partial image of a killed attempt
          return null;
        }
        if (ListingRules.hidden(name)) {
          return null;
        }
        if (s.isDirectory()) {
          if (!rules.excluded(s.getPath().toString())) {
            if (recursive) {
              push(s.getPath());
            } else {
              subdirs.accept(s.getPath().toString());
            }
          }
          return null;
        }
        return rules.accepted(name) ? entry(s, rootUri, source) : null;
      }
    };
  }

  /** One recursive listing call; entries below hidden directories are filtered by their path. */
  private Iterator<ListedFile> flat(FileSystem fs, Path dir, String rootUri, int source)
      throws IOException {
    String prefix = dir.toString().endsWith("/") ? dir.toString() : dir + "/";
    RemoteIterator<LocatedFileStatus> all = fs.listFiles(dir, true);
    return new DepthFirst<Path, LocatedFileStatus>(dir) {
      @Override
      Iterator<LocatedFileStatus> open(Path d) {
        return iterator(all);
      }

      @Override
      ListedFile visit(Path d, LocatedFileStatus s) {
        String uri = s.getPath().toString();
        String below =
            uri.startsWith(prefix) ? uri.substring(prefix.length()) : s.getPath().getName();
        if (hasHiddenDirectory(below) || !rules.accepted(s.getPath().getName())) {
          return null;
        }
        return entry(s, rootUri, source);
      }
    };
  }

  private static boolean hasHiddenDirectory(String relative) {
    String[] parts = relative.split("/");
    for (int i = 0; i < parts.length - 1; i++) {
      if (ListingRules.hidden(parts[i])) {
        return true;
      }
    }
    return false;
  }

  @Override
  public ListedFile file(String fileUri, String rootUri, int source) throws IOException {
    Path p = new Path(fileUri);
    if (!rules.accepted(p.getName())) {
      LOG.info("listing: {} is hidden or has no accepted extension: not an input", fileUri);
      return null;
    }
    return entry(p.getFileSystem(hadoop).getFileStatus(p), rootUri, source);
  }

  private static ListedFile entry(FileStatus s, String rootUri, int source) {
    String uri = s.getPath().toString();
    return new ListedFile(
        uri,
        TreeWalker.relative(uri, rootUri),
        s.getLen(),
        s.getModificationTime(),
        null,
        false,
        null,
        source);
  }

  /** Hadoop's RemoteIterator as a plain iterator (its IOExceptions unchecked). */
  static <T> Iterator<T> iterator(RemoteIterator<T> remote) {
    return new Iterator<T>() {
      @Override
      public boolean hasNext() {
        try {
          return remote.hasNext();
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }

      @Override
      public T next() {
        try {
          return remote.next();
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }
    };
  }
}
