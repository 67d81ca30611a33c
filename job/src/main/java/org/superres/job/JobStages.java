package org.superres.job;

import java.util.Locale;
import org.apache.spark.SparkContext;

/**
 * Names the Spark jobs of a run for the Spark UI, the event log and the History Server: during a
 * stage, every job the run's thread starts gets the job group {@code superres-RUN_ID-STAGE} and the
 * description {@code superres run RUN_ID: STAGE}, set as Spark's thread-local job properties and
 * restored at the end, as Iceberg's actions do (JobGroupUtils.withJobGroupInfo). Each stage's wall
 * time goes to the {@code superres} metrics source.
 */
public final class JobStages {
  /** The stages of a run, in order; the label is what the UI shows. */
  public enum Stage {
    LISTING("listing"),
    ENHANCE("enhance"),
    MANIFEST_COMMIT("manifest commit"),
    REPORT("report");

    public final String label;

    Stage(String label) {
      this.label = label;
    }

    /** The label as one word, for job group ids and metric names. */
    public String slug() {
      return label.replace(' ', '-').toLowerCase(Locale.ROOT);
    }
  }

  // SparkContext's own property names (SparkContext.SPARK_JOB_GROUP_ID and friends).
  static final String GROUP_ID = "spark.jobGroup.id";
  static final String DESCRIPTION = "spark.job.description";
  static final String INTERRUPT_ON_CANCEL = "spark.job.interruptOnCancel";

  private final SparkContext sc;
  private final String runId;
  private final String previousGroup;
  private final String previousDescription;
  private final String previousInterrupt;
  private Stage current;
  private long currentStart;

  /** Remembers the thread's job properties, which {@link #end} restores. */
  public JobStages(SparkContext sc, String runId) {
    this.sc = sc;
    this.runId = runId;
    this.previousGroup = sc.getLocalProperty(GROUP_ID);
    this.previousDescription = sc.getLocalProperty(DESCRIPTION);
    this.previousInterrupt = sc.getLocalProperty(INTERRUPT_ON_CANCEL);
  }

  public static String groupId(String runId, Stage stage) {
    return "superres-" + runId + "-" + stage.slug();
  }

  public static String description(String runId, Stage stage) {
    return "superres run " + runId + ": " + stage.label;
  }

  /** Ends the current stage, if any; the Spark jobs this thread starts from now on are STAGE's. */
  public void begin(Stage stage) {
    finishCurrent();
    sc.setLocalProperty(GROUP_ID, groupId(runId, stage));
    sc.setLocalProperty(DESCRIPTION, description(runId, stage));
    // Cancelling a run must not interrupt a thread halfway through writing an output.
    sc.setLocalProperty(INTERRUPT_ON_CANCEL, "false");
    current = stage;
    currentStart = System.nanoTime();
  }

  /** Ends the current stage and gives the thread back its previous job properties. */
  public void end() {
    finishCurrent();
    sc.setLocalProperty(GROUP_ID, previousGroup);
    sc.setLocalProperty(DESCRIPTION, previousDescription);
    sc.setLocalProperty(INTERRUPT_ON_CANCEL, previousInterrupt);
  }

  private void finishCurrent() {
    if (current != null) {
      SuperresMetrics.get().stageTime(current, (System.nanoTime() - currentStart) / 1_000_000);
      current = null;
    }
  }
}
