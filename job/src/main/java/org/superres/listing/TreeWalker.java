package org.superres.listing;

import java.io.IOException;
import java.util.Iterator;
import java.util.function.Consumer;

/**
 * Lists what lies below one directory of a listing, lazily (a task streams a huge directory's
 * entries without holding them). Not recursive, it hands the subdirectories still to list back to
 * the caller: the driver walks the top of a tree itself, then hands the rest to executors.
 */
interface TreeWalker {
  /**
   * @param dirUri the directory to list
   * @param rootUri its listing root: relative paths are taken below it
   * @param source which input this listing serves (kept in every entry)
   * @param recursive list the whole tree, or this directory only
   * @param subdirs receives, when not recursive, the directories still to list
   * @return the candidate inputs and the entries that cannot be inputs, in name order per directory
   */
  Iterator<ListedFile> list(
      String dirUri, String rootUri, int source, boolean recursive, Consumer<String> subdirs)
      throws IOException;

  /** One file named by an input itself (not found by walking): its entry, or null if not one. */
  ListedFile file(String fileUri, String rootUri, int source) throws IOException;

  /** The path of a URI below a root URI ('/'-separated), or the file name when not below it. */
  static String relative(String uri, String rootUri) {
    String root = rootUri.endsWith("/") ? rootUri : rootUri + "/";
    if (uri.startsWith(root)) {
      return uri.substring(root.length());
    }
    return uri.substring(uri.lastIndexOf('/') + 1);
  }
}
