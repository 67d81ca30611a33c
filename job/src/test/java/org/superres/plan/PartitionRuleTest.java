package org.superres.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How inputs fill partitions: work bounds a partition; inputs without work only fill it. */
class PartitionRuleTest {
  private static final long MB = 1 << 20;

  /** Partition sizes (rows) and inputs to process of a sequence of (work, size) inputs. */
  private static List<int[]> partitions(boolean[] work, long size, long targetBytes, int maxFiles) {
    PartitionRule rule = new PartitionRule(targetBytes, maxFiles);
    List<int[]> parts = new ArrayList<>();
    for (boolean w : work) {
      if (rule.next(w, size)) {
        parts.add(new int[2]);
      }
      int[] p = parts.get(parts.size() - 1);
      p[0]++;
      if (w) p[1]++;
    }
    return parts;
  }

  private static boolean[] all(int n, boolean work) {
    boolean[] w = new boolean[n];
    java.util.Arrays.fill(w, work);
    return w;
  }

  @Test
  void workInputsAreBoundedByCountAndBytes() {
    assertEquals(4, partitions(all(10, true), MB, 64 * MB, 3).size()); // 3+3+3+1 by count
    assertEquals(5, partitions(all(10, true), MB, 2 * MB, 64).size()); // 2 MB each by bytes
  }

  @Test
  void skippedInputsDoNotCostATaskEach() {
    // An incremental night: 20,000 unchanged inputs and 10 changed ones spread among them.
    boolean[] work = new boolean[20_010];
    for (int i = 0; i < work.length; i++) work[i] = i % 2001 == 0;
    List<int[]> parts = partitions(work, MB, 64 * MB, 4);
    assertEquals(20_010, parts.stream().mapToInt(p -> p[0]).sum(), "every input exactly once");
    // Bounded by rows (1000 per partition) and not by max-files (which would make 5,000).
    assertTrue(parts.size() <= 21 + 3, "partitions: " + parts.size());
    for (int[] p : parts) {
      assertTrue(p[0] <= PartitionRule.MAX_ROWS, "rows " + p[0]);
      assertTrue(p[1] <= 4);
    }
  }

  @Test
  void rowBoundNeverCutsBelowMaxFiles() {
    assertEquals(2, partitions(all(5000, true), 1, Long.MAX_VALUE, 2500).size());
  }

  @Test
  void smallRunsGetSeveralPartitionsPerTaskSlot() {
    // The 6-photo run on 2 cores: 3 partitions per slot while there are inputs enough.
    assertEquals(1, PartitionRule.filesPerPartition(6, 2, 3, 64));
    assertEquals(2, PartitionRule.filesPerPartition(12, 2, 3, 64));
    // A big night on a big cluster: still bounded by partitions.max-files.
    assertEquals(64, PartitionRule.filesPerPartition(1_000_000, 400, 3, 64));
    assertEquals(9, PartitionRule.filesPerPartition(10_000, 400, 3, 64));
    assertEquals(1, PartitionRule.filesPerPartition(0, 2, 3, 64));
    // Ten million inputs: never more than MAX_PARTITIONS tasks, whatever the limits say.
    assertEquals(100, PartitionRule.filesPerPartition(10_000_000, 400, 3, 64));
    assertEquals(64L << 20, PartitionRule.bytesPerPartition(1L << 30, 64L << 20));
    assertEquals(550_000_000L, PartitionRule.bytesPerPartition(55_000_000_000_000L, 64L << 20));
  }

  @Test
  void gallerySamplesSpreadEvenlyOverTheInputsToProcess() {
    List<Long> picks = new ArrayList<>(PlanLayout.picks(100, 12));
    assertEquals(12, picks.size());
    assertTrue(picks.get(0) <= 8, "first sample near the start: " + picks);
    assertTrue(picks.get(11) >= 91, "last sample near the end: " + picks);
    for (int k = 1; k < picks.size(); k++) {
      long gap = picks.get(k) - picks.get(k - 1);
      assertTrue(gap >= 8 && gap <= 9, "even gaps: " + picks);
    }
    assertEquals(3, PlanLayout.picks(3, 12).size(), "never more than there are");
    assertTrue(PlanLayout.picks(5, 0).isEmpty());
  }
}
