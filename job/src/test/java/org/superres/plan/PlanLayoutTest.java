package org.superres.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.Test;
import org.superres.testing.SparkTestBase;

/**
 * The plan laid out by executors gives, on small runs, exactly the partitions and rows of the
 * planner it replaced (which grouped a list on the driver), and the executors get partition i's
 * rows in partition i, in plan order.
 */
class PlanLayoutTest extends SparkTestBase {
  private static final long MB = 1 << 20;

  @Test
  void smallRunsGetThePreviousPlannersPartitions() {
    Random random = new Random(20261201);
    List<Row> rows = new ArrayList<>();
    List<long[]> sequence = new ArrayList<>(); // {work, size} in plan order
    for (int i = 0; i < 2500; i++) {
      boolean work = random.nextInt(4) != 0; // a quarter skipped
      long size = 1 + random.nextInt((int) (20 * MB));
      String uri = String.format("file:/in/%05d.png", i); // plan order = URI order here
      rows.add(
          RowFactory.create(
              uri,
              i + ".png",
              size,
              0L,
              0,
              "file:/out/" + i + ".png",
              work ? "process" : "skip",
              work ? null : "output exists",
              null,
              work ? null : "exists",
              !work));
      sequence.add(new long[] {work ? 1 : 0, size});
    }
    Dataset<Row> plan = spark.createDataFrame(rows, PlannedInput.SCHEMA);
    long process = sequence.stream().filter(s -> s[0] == 1).count();
    for (int maxFiles : new int[] {1, 3, 64}) {
      PlanLayout.Result laid =
          new PlanLayout(64 * MB, maxFiles)
              .layOut(
                  spark,
                  new Plan(plan, rows.size(), process, rows.size() - process, 0, 0, 0),
                  12,
                  "g");
      List<Integer> expected = previousPlanner(sequence, 64 * MB, maxFiles);
      Map<String, Integer> partitionOf = new HashMap<>();
      for (Row r : laid.rows.select("uri", "partition").collectAsList()) {
        partitionOf.put(r.getString(0), r.getInt(1));
      }
      assertEquals(rows.size(), partitionOf.size(), "every row once");
      for (int i = 0; i < rows.size(); i++) {
        assertEquals(
            expected.get(i),
            partitionOf.get(rows.get(i).getString(0)),
            "row " + i + " with max-files " + maxFiles);
      }
      assertEquals(expected.get(expected.size() - 1) + 1, laid.partitions);
      assertEquals(12, laid.gallerySamples);

      // The executors' view: partition i holds exactly partition i's rows, in plan order.
      List<List<PlannedInput>> parts = laid.inputs().glom().collect();
      assertEquals(laid.partitions, parts.size());
      int next = 0;
      for (int p = 0; p < parts.size(); p++) {
        for (PlannedInput in : parts.get(p)) {
          assertEquals(rows.get(next).getString(0), in.input.uri);
          assertEquals((int) expected.get(next), p);
          next++;
        }
      }
      assertEquals(rows.size(), next);
      laid.rows.unpersist();
    }
  }

  /**
   * The partition of each input under the planner this replaced (RunPlanner.partitions on the
   * driver, before the plan became a Dataset), kept here as the reference.
   */
  private static List<Integer> previousPlanner(
      List<long[]> inputs, long targetBytes, int maxFiles) {
    int maxRows = Math.max(maxFiles, 1000);
    List<Integer> partitionOf = new ArrayList<>();
    int partition = -1;
    int rows = 0;
    long bytes = 0;
    int work = 0;
    for (long[] in : inputs) {
      boolean hasWork = in[0] == 1;
      long cost = hasWork ? in[1] : 0;
      boolean full = work > 0 && (bytes + cost > targetBytes || (hasWork && work >= maxFiles));
      if (rows == 0 || full || rows >= maxRows) {
        partition++;
        rows = 0;
        bytes = 0;
        work = 0;
      }
      partitionOf.add(partition);
      rows++;
      bytes += cost;
      if (hasWork) work++;
    }
    return partitionOf;
  }
}
