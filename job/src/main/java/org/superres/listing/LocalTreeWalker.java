package org.superres.listing;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lists local disks (file://) with what Hadoop's local file system does not tell: a named pipe, a
 * socket or a device at an image's name is not a file to open (Hadoop reports it as a file, and
 * reading it blocks forever), a dangling link is no input, and links to directories are followed
 * only when asked, each real directory once, so a link loop cannot multiply the work. Every entry
 * keeps its real path, so that a file reached twice (directly and through a link) is one input.
 */
final class LocalTreeWalker implements TreeWalker {
  private static final Logger LOG = LoggerFactory.getLogger(LocalTreeWalker.class);

  /** Unix file type bits (st_mode & S_IFMT) of the non-regular files an archive disk can hold. */
  private static final int S_IFMT = 0170000;

  private static final int S_IFIFO = 0010000;
  private static final int S_IFCHR = 0020000;
  private static final int S_IFBLK = 0060000;
  private static final int S_IFSOCK = 0140000;

  private final ListingRules rules;

  /** Real directories listed so far, by this walker and (for executors) by the driver. */
  private final Set<String> visited;

  LocalTreeWalker(ListingRules rules, Collection<String> alreadyVisited) {
    this.rules = rules;
    this.visited = new HashSet<>(alreadyVisited);
  }

  /** The real directories listed so far (the driver hands them to the executors). */
  Set<String> visited() {
    return visited;
  }

  /** Forgets a directory found but not listed (an executor lists it after all). */
  void forget(String dirUri) {
    try {
      visited.remove(path(dirUri).toRealPath().toString());
    } catch (IOException e) {
      // gone meanwhile: nothing to forget
    }
  }

  /** A directory to list, and whether a link was followed to reach it. */
  private static final class Dir {
    final Path path;
    final boolean viaLink;

    Dir(Path path, boolean viaLink) {
      this.path = path;
      this.viaLink = viaLink;
    }
  }

  @Override
  public Iterator<ListedFile> list(
      String dirUri, String rootUri, int source, boolean recursive, Consumer<String> subdirs)
      throws IOException {
    Path root = path(rootUri);
    Path rootReal = root.toRealPath();
    Path start = path(dirUri);
    Path startReal = start.toRealPath();
    visited.add(startReal.toString());
    boolean startViaLink = !startReal.equals(rootReal.resolve(root.relativize(start)));
    return new DepthFirst<Dir, Path>(new Dir(start, startViaLink)) {
      @Override
      Iterator<Path> open(Dir dir) throws IOException {
        return sortedEntries(dir.path).iterator();
      }

      @Override
      ListedFile visit(Dir dir, Path entry) throws IOException {
        String name = entry.getFileName().toString();
        if (ListingRules.hidden(name)) {
          return null;
        }
        BasicFileAttributes own =
            Files.readAttributes(entry, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        boolean link = own.isSymbolicLink();
        BasicFileAttributes target = link ? followed(entry) : own;
        if (target == null) {
          String to = String.valueOf(Files.readSymbolicLink(entry));
          return rules.accepted(name)
              ? problem(entry, root, source, "dangling symbolic link (to " + to + ")")
              : null;
        }
        if (target.isDirectory()) {
          enter(entry, link, dir.viaLink);
          return null;
        }
        if (!rules.accepted(name)) {
          return null;
        }
        if (!target.isRegularFile()) {
          return problem(entry, root, source, typeOf(entry));
        }
        boolean viaLink = dir.viaLink || link;
        Path real = viaLink ? entry.toRealPath() : rootReal.resolve(root.relativize(entry));
        return new ListedFile(
            uri(entry),
            relative(root, entry),
            target.size(),
            target.lastModifiedTime().toMillis(),
            real.toString(),
            viaLink,
            null,
            source);
      }

      private void enter(Path entry, boolean link, boolean parentViaLink) throws IOException {
        Path real = entry.toRealPath();
        if (rules.excluded(uri(entry)) || rules.excluded(uri(real))) {
          return; // the run's own output tree, inside an input
        }
        if (link && !rules.followLinks()) {
          LOG.info(
              "listing: not following the directory link {} (listing.follow-links=false)", entry);
          return;
        }
        if (!visited.add(real.toString())) {
          LOG.info("listing: {} is {}, listed already: not listed again", entry, real);
          return;
        }
        if (recursive) {
          push(new Dir(entry, parentViaLink || link));
        } else {
          subdirs.accept(uri(entry));
        }
      }
    };
  }

  @Override
  public ListedFile file(String fileUri, String rootUri, int source) throws IOException {
    Path file = path(fileUri);
    if (!rules.accepted(file.getFileName().toString())) {
      LOG.info("listing: {} is hidden or has no accepted extension: not an input", fileUri);
      return null;
    }
    Path root = path(rootUri);
    BasicFileAttributes target = followed(file);
    if (target == null) {
      return problem(file, root, source, "dangling symbolic link");
    }
    if (!target.isRegularFile()) {
      return problem(file, root, source, typeOf(file));
    }
    return new ListedFile(
        uri(file),
        relative(root, file),
        target.size(),
        target.lastModifiedTime().toMillis(),
        file.toRealPath().toString(),
        Files.isSymbolicLink(file),
        null,
        source);
  }

  private static List<Path> sortedEntries(Path dir) throws IOException {
    List<Path> entries = new ArrayList<>();
    try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
      s.forEach(entries::add);
    }
    entries.sort(null);
    return entries;
  }

  /** The attributes of what a path leads to, or null for a dangling link. */
  private static BasicFileAttributes followed(Path p) throws IOException {
    try {
      return Files.readAttributes(p, BasicFileAttributes.class);
    } catch (NoSuchFileException e) {
      return null;
    }
  }

  /** What a non-regular file is, in the words an operator uses. */
  static String typeOf(Path p) {
    try {
      int mode = (Integer) Files.getAttribute(p, "unix:mode") & S_IFMT;
      switch (mode) {
        case S_IFIFO:
          return "named pipe (FIFO)";
        case S_IFSOCK:
          return "socket";
        case S_IFCHR:
          return "character device";
        case S_IFBLK:
          return "block device";
        default:
          return "special file";
      }
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
      return "special file";
    }
  }

  private static ListedFile problem(Path p, Path root, int source, String what) {
    return new ListedFile(uri(p), relative(root, p), null, null, null, false, what, source);
  }

  private static String relative(Path root, Path p) {
    String r = root.relativize(p).toString();
    return r.isEmpty() ? p.getFileName().toString() : r;
  }

  static Path path(String fileUri) {
    return Paths.get(new org.apache.hadoop.fs.Path(fileUri).toUri().getPath());
  }

  /** A local path as the URI Hadoop's local file system gives it ("file:/a/b c.png"). */
  static String uri(Path p) {
    return "file:" + p.toAbsolutePath().normalize();
  }
}
