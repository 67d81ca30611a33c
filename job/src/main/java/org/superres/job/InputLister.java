package org.superres.job;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.superres.config.ConfigError;

/**
 * Lists inputs through the Hadoop FileSystem API, so s3a://, hdfs://, gs:// and file:// behave the
 * same: a directory is listed recursively, a glob is expanded (matching directories are listed
 * too), and only files with an accepted extension are kept. Each file remembers its listing root,
 * which fixes its output path.
 */
public final class InputLister {
  private final Configuration hadoop;
  private final List<String> extensions;

  public InputLister(Configuration hadoop, List<String> extensions) {
    this.hadoop = hadoop;
    this.extensions = extensions;
  }

  public List<InputFile> list(List<String> inputs) throws IOException {
    Map<String, InputFile> byUri = new LinkedHashMap<>();
    for (String input : inputs) {
      Path pattern = new Path(input);
      FileSystem fs = pattern.getFileSystem(hadoop);
      FileStatus[] matches = fs.globStatus(pattern);
      if (matches == null || matches.length == 0) {
        throw new ConfigError("--input " + input + ": no such file or directory (nothing matches)");
      }
      Path root = fs.makeQualified(listingRoot(pattern, matches));
      for (FileStatus m : matches) {
        if (m.isDirectory()) {
          RemoteIterator<LocatedFileStatus> it = fs.listFiles(m.getPath(), true);
          while (it.hasNext()) {
            add(byUri, root, it.next());
          }
        } else {
          add(byUri, root, m);
        }
      }
    }
    return new ArrayList<>(byUri.values());
  }

  /** A plain directory is its own root; a glob's root is its last directory before any wildcard. */
  static Path listingRoot(Path pattern, FileStatus[] matches) {
    String p = pattern.toUri().getPath();
    if (!hasGlob(p)) {
      return matches.length == 1 && matches[0].isDirectory()
          ? matches[0].getPath()
          : matches[0].getPath().getParent();
    }
    Path root = pattern;
    while (root != null && hasGlob(root.toUri().getPath())) {
      root = root.getParent();
    }
    return root;
  }

  private static boolean hasGlob(String s) {
    return s.matches(".*[*?\\[{].*");
  }

  private void add(Map<String, InputFile> byUri, Path root, FileStatus f)
      throws FileNotFoundException {
    if (!f.isFile() || !accepted(f.getPath().getName())) {
      return;
    }
    String uri = f.getPath().toString();
    String rootPath = root.toUri().getPath();
    String filePath = f.getPath().toUri().getPath();
    String rel =
        filePath.startsWith(rootPath + "/")
            ? filePath.substring(rootPath.length() + 1)
            : f.getPath().getName();
    byUri.putIfAbsent(uri, new InputFile(uri, rel, f.getLen(), f.getModificationTime()));
  }

  private boolean accepted(String name) {
    if (name.startsWith(".") || name.startsWith("_")) {
      return false; // hidden and temporary files (ours included) are never inputs
    }
    int dot = name.lastIndexOf('.');
    return dot > 0 && extensions.contains(name.substring(dot + 1).toLowerCase(Locale.ROOT));
  }
}
