package org.superres.output;

import java.net.URI;
import java.nio.file.Paths;
import org.apache.hadoop.fs.Path;

/** URI comparisons that need no file system: what --input and --output name, normalised. */
public final class Uris {
  private Uris() {}

  /**
   * A URI or local path as "scheme://authority/path" (local paths as "file:/absolute/path"),
   * normalised and without a trailing slash, for prefix comparisons.
   */
  public static String normalised(String uriOrPath) {
    URI u = new Path(uriOrPath).toUri();
    String path = u.getPath() == null || u.getPath().isEmpty() ? "/" : u.getPath();
    if (u.getScheme() == null || "file".equals(u.getScheme())) {
      return "file:" + Paths.get(path).toAbsolutePath().normalize();
    }
    String p = Paths.get(path).normalize().toString();
    String s = u.getScheme() + "://" + (u.getAuthority() == null ? "" : u.getAuthority()) + p;
    return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
  }

  /**
   * The part of a glob before its first wildcard's directory ("s3a://b/scans/*.png" ->
   * ".../scans").
   */
  public static String beforeWildcards(String glob) {
    int w = firstWildcard(glob);
    if (w < 0) {
      return glob;
    }
    int slash = glob.lastIndexOf('/', w);
    return slash < 0 ? "." : glob.substring(0, slash);
  }

  private static int firstWildcard(String s) {
    for (int i = 0; i < s.length(); i++) {
      if ("*?[{".indexOf(s.charAt(i)) >= 0) {
        return i;
      }
    }
    return -1;
  }
}
