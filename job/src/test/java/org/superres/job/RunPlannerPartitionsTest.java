package org.superres.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * How listed inputs are grouped into tasks: work bounds a partition; inputs without work only fill
 * it.
 */
class RunPlannerPartitionsTest {
  private static final long MB = 1 << 20;

  private static PlannedInput input(int i, long size, boolean skip) {
    InputFile in = new InputFile("file:/in/" + i + ".png", i + ".png", size, 0);
    String out = "file:/out/" + i + ".png";
    return skip ? PlannedInput.skip(in, out, "unchanged") : PlannedInput.process(in, out);
  }

  private static int rows(List<List<PlannedInput>> parts) {
    return parts.stream().mapToInt(List::size).sum();
  }

  @Test
  void workInputsAreBoundedByCountAndBytes() {
    List<PlannedInput> inputs = new ArrayList<>();
    for (int i = 0; i < 10; i++) inputs.add(input(i, MB, false));
    assertEquals(4, RunPlanner.partitions(inputs, 64 * MB, 3).size()); // 3+3+3+1 by count
    assertEquals(5, RunPlanner.partitions(inputs, 2 * MB, 64).size()); // 2 MB each by bytes
  }

  @Test
  void skippedInputsDoNotCostATaskEach() {
    // An incremental night: 20,000 unchanged inputs and 10 changed ones spread among them.
    List<PlannedInput> inputs = new ArrayList<>();
    for (int i = 0; i < 20_010; i++) inputs.add(input(i, MB, i % 2001 != 0));
    List<List<PlannedInput>> parts = RunPlanner.partitions(inputs, 64 * MB, 4);
    assertEquals(20_010, rows(parts), "every input lands in exactly one partition");
    // Bounded by rows (1000 per partition) and not by max-files (which would make 5,000
    // partitions).
    assertTrue(parts.size() <= 21 + 3, "partitions: " + parts.size());
    for (List<PlannedInput> p : parts) {
      assertTrue(p.size() <= RunPlanner.MAX_ROWS_PER_PARTITION, "rows " + p.size());
      assertTrue(p.stream().filter(PlannedInput::hasWork).count() <= 4);
    }
  }

  @Test
  void listingOrderIsKept() {
    List<PlannedInput> inputs = new ArrayList<>();
    for (int i = 0; i < 3000; i++) inputs.add(input(i, MB, i % 7 != 0));
    List<PlannedInput> flat = new ArrayList<>();
    RunPlanner.partitions(inputs, 8 * MB, 2).forEach(flat::addAll);
    assertEquals(inputs, flat);
  }

  @Test
  void rowBoundNeverCutsBelowMaxFiles() {
    List<PlannedInput> inputs = new ArrayList<>();
    for (int i = 0; i < 5000; i++) inputs.add(input(i, 1, false));
    List<List<PlannedInput>> parts = RunPlanner.partitions(inputs, Long.MAX_VALUE, 2500);
    assertEquals(2, parts.size());
  }
}
