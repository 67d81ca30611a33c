package org.superres.listing;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What a listing keeps: names with an accepted extension that are not hidden, below directories
 * that are not hidden and are not excluded (the run's own output tree, when it lies inside an
 * input). Hidden means a name starting with '.' or '_' (our temporaries, _runs, _manifest).
 */
public final class ListingRules implements Serializable {
  private static final long serialVersionUID = 1L;

  private final List<String> extensions;
  private final List<String> excluded;
  private final boolean followLinks;

  /**
   * @param extensions accepted extensions in lower case, or null to accept every visible file
   * @param excluded directory URIs whose trees are never listed (the output root)
   * @param followLinks whether links to directories are followed (each real directory once)
   */
  public ListingRules(List<String> extensions, List<String> excluded, boolean followLinks) {
    this.extensions = extensions == null ? null : new ArrayList<>(extensions);
    this.excluded = new ArrayList<>();
    for (String e : excluded) {
      this.excluded.add(trimSlash(e));
    }
    this.followLinks = followLinks;
  }

  public static boolean hidden(String name) {
    return name.startsWith(".") || name.startsWith("_");
  }

  /** A name that lists as an input (or as a not-a-file row, when it is not a regular file). */
  public boolean accepted(String name) {
    if (hidden(name)) {
      return false;
    }
    if (extensions == null) {
      return true;
    }
    int dot = name.lastIndexOf('.');
    return dot > 0 && extensions.contains(name.substring(dot + 1).toLowerCase(Locale.ROOT));
  }

  /** Whether a directory (given by URI or, on local disks, also by real path) is pruned. */
  public boolean excluded(String dirUri) {
    String d = trimSlash(dirUri);
    for (String e : excluded) {
      if (d.equals(e) || d.startsWith(e + "/")) {
        return true;
      }
    }
    return false;
  }

  /** Whether some excluded tree lies below this directory (so a flat listing would enter it). */
  public boolean excludesBelow(String dirUri) {
    String d = trimSlash(dirUri) + "/";
    for (String e : excluded) {
      if (e.startsWith(d)) {
        return true;
      }
    }
    return false;
  }

  public boolean followLinks() {
    return followLinks;
  }

  private static String trimSlash(String s) {
    return s.endsWith("/") && s.length() > 1 ? s.substring(0, s.length() - 1) : s;
  }
}
