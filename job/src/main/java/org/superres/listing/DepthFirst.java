package org.superres.listing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * A lazy depth-first walk: directories wait on a stack, the current directory's entries are read
 * one at a time, and each entry becomes a file to return, a directory to push, or nothing.
 *
 * @param <D> a directory to list
 * @param <E> one entry of a directory
 */
abstract class DepthFirst<D, E> implements Iterator<ListedFile> {
  private final Deque<D> pending = new ArrayDeque<>();
  private Iterator<E> entries = java.util.Collections.emptyIterator();
  private D current;
  private ListedFile next;

  DepthFirst(D start) {
    pending.push(start);
  }

  /** The entries of a directory. */
  abstract Iterator<E> open(D dir) throws IOException;

  /**
   * What an entry is: a file or problem to return (or null), after pushing any directory to walk.
   */
  abstract ListedFile visit(D dir, E entry) throws IOException;

  final void push(D dir) {
    pending.push(dir);
  }

  @Override
  public final boolean hasNext() {
    try {
      while (next == null) {
        if (entries.hasNext()) {
          next = visit(current, entries.next());
        } else if (!pending.isEmpty()) {
          current = pending.pop();
          entries = open(current);
        } else {
          return false;
        }
      }
      return true;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public final ListedFile next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    ListedFile f = next;
    next = null;
    return f;
  }
}
