package org.superres.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.SparkConf;
import org.apache.spark.deploy.history.EventLogFileReader;
import org.apache.spark.scheduler.ReplayListenerBus;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.status.AppStatusListener;
import org.apache.spark.status.AppStatusStore;
import org.apache.spark.status.ElementTrackingStore;
import org.apache.spark.status.api.v1.JobData;
import org.apache.spark.util.kvstore.InMemoryStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.superres.cli.EnhanceCommand;
import org.superres.samples.SampleImages;
import org.superres.testing.Fixtures;
import org.superres.testing.Images;
import scala.Option;
import scala.collection.JavaConverters;

/**
 * What an operator sees of a run through Spark's own tools, on a local Spark with its UI: every
 * Spark job carries a job group and a description naming the run and its stage; the superres
 * metrics source is served by Spark's Prometheus servlet; the event log replays through the History
 * Server's classes (ReplayListenerBus into an AppStatusStore) with the same job names. Two runs, as
 * the command line makes them (the run, then its report): a full one, then an incremental one.
 */
class OperatorViewTest {
  private static final Pattern GROUP =
      Pattern.compile(
          "superres-(\\d{8}T\\d{6}Z-[0-9a-f]{6})-(listing|enhance|manifest-commit|report)");

  @TempDir Path tmp;

  @Test
  void jobsAreNamedMetricsAreScrapedAndTheEventLogReplays() throws Exception {
    Path in = Files.createDirectories(tmp.resolve("in"));
    int inputs = 4;
    long inputBytes = 0;
    for (int i = 0; i < inputs; i++) {
      byte[] png = Images.encode(SampleImages.scene(32, 32, i), ".png");
      Files.write(in.resolve("scan-" + i + ".png"), png);
      inputBytes += png.length;
    }
    Path out = tmp.resolve("out");
    Path events = Files.createDirectories(tmp.resolve("events"));
    SparkSession spark =
        JobTestSupport.session(
            "local[2]",
            "spark.ui.enabled",
            "true",
            "spark.ui.port",
            "0",
            "spark.metrics.conf.*.sink.prometheusServlet.class",
            "org.apache.spark.metrics.sink.PrometheusServlet",
            "spark.metrics.conf.*.sink.prometheusServlet.path",
            "/metrics/prometheus",
            "spark.eventLog.enabled",
            "true",
            "spark.eventLog.dir",
            events.toUri().toString());
    List<Map<String, String>> liveJobs = new CopyOnWriteArrayList<>();
    String appId = spark.sparkContext().applicationId();
    String metricsText;
    EnhanceJob.Outcome first;
    EnhanceJob.Outcome second;
    try {
      spark
          .sparkContext()
          .addSparkListener(
              new SparkListener() {
                @Override
                public void onJobStart(SparkListenerJobStart start) {
                  Map<String, String> p = new HashMap<>();
                  p.put("group", start.properties().getProperty(JobStages.GROUP_ID));
                  p.put("description", start.properties().getProperty(JobStages.DESCRIPTION));
                  liveJobs.add(p);
                }
              });
      String model = Fixtures.ownModel().toString();
      org.superres.engine.ModelCache.clear(); // a cold load in this JVM, as on a fresh executor
      first =
          EnhanceCommand.runAndReport(
              spark,
              JobTestSupport.settings(
                  "input=[\"" + in.toUri() + "\"]",
                  "output.uri=" + out.toUri(),
                  "model.uri=" + model,
                  "partitions.max-files=2",
                  "device.threads=1",
                  "report.samples=2"));
      second =
          EnhanceCommand.runAndReport(
              spark,
              JobTestSupport.settings(
                  "input=[\"" + in.toUri() + "\"]",
                  "output.uri=" + out.toUri(),
                  "model.uri=" + model,
                  "incremental.since=last",
                  "device.threads=1"));
      assertEquals(0, first.exitCode);
      assertEquals(0, second.exitCode);
      String ui = spark.sparkContext().uiWebUrl().get();
      metricsText = get(ui + "/metrics/prometheus");
    } finally {
      spark.stop();
    }

    // Metrics: the superres source in the driver's registry (local mode: the executor is the
    // driver), as Spark's Prometheus servlet prints it.
    Map<String, Long> m = superresCounts(metricsText);
    System.out.println("[operator] superres metrics from /metrics/prometheus: " + m);
    assertEquals(inputs, m.get("images_ok"), metricsText);
    assertEquals(inputs, m.get("images_skipped"), "the incremental run skipped every input");
    assertEquals(0L, m.get("images_failed"));
    assertEquals(inputBytes, m.get("bytes_in"));
    assertTrue(m.get("bytes_out") > inputBytes, "3x outputs are larger: " + m);
    assertEquals(1L, m.get("model_loads"), "the incremental run loaded no model");
    for (String stage : new String[] {"read", "decode", "infer", "encode", "write", "total"}) {
      assertEquals(inputs, m.get("image_" + stage + "_ms"), "histogram count of " + stage);
    }
    for (String stage : new String[] {"listing", "enhance", "manifest_commit", "report"}) {
      assertEquals(2L, m.get("run_" + stage + "_ms"), "one " + stage + " per run: " + m);
    }

    // Job groups and descriptions as the live listener bus saw them.
    Set<String> runs = Set.of(first.runId, second.runId);
    Set<String> liveStages = namedStages(liveJobs, runs);
    assertTrue(
        liveStages.containsAll(
            Set.of(
                first.runId + " listing",
                first.runId + " enhance",
                first.runId + " manifest-commit",
                first.runId + " report",
                second.runId + " listing",
                second.runId + " enhance",
                second.runId + " manifest-commit",
                second.runId + " report")),
        "stages with Spark jobs: " + liveStages);

    // The event log, replayed as the History Server does, shows the same jobs with the same names.
    List<JobData> replayed = replay(events, appId);
    List<Map<String, String>> replayedJobs = new ArrayList<>();
    for (JobData j : replayed) {
      Map<String, String> p = new HashMap<>();
      p.put("group", j.jobGroup().isDefined() ? j.jobGroup().get() : null);
      p.put("description", j.description().isDefined() ? j.description().get() : null);
      replayedJobs.add(p);
    }
    assertEquals(liveJobs.size(), replayedJobs.size(), "every job is in the event log");
    assertEquals(liveStages, namedStages(replayedJobs, runs));
    System.out.printf(
        "[operator] %d Spark jobs, replayed from the event log with their stages %s%n",
        replayed.size(), liveStages);
  }

  /** "RUN_ID STAGE" of every job; each job must carry both a group and a matching description. */
  static Set<String> namedStages(List<Map<String, String>> jobs, Set<String> runs) {
    Set<String> stages = new TreeSet<>();
    for (Map<String, String> job : jobs) {
      String group = job.get("group");
      assertNotNull(group, "a Spark job without a job group: " + job);
      Matcher g = GROUP.matcher(group);
      assertTrue(g.matches(), "job group " + group);
      assertTrue(runs.contains(g.group(1)), "job group of another run: " + group);
      JobStages.Stage stage = stageOf(g.group(2));
      assertEquals(JobStages.description(g.group(1), stage), job.get("description"), group);
      stages.add(g.group(1) + " " + g.group(2));
    }
    return stages;
  }

  static JobStages.Stage stageOf(String slug) {
    for (JobStages.Stage s : JobStages.Stage.values()) {
      if (s.slug().equals(slug)) return s;
    }
    throw new AssertionError("no stage " + slug);
  }

  /** NAME -> count of every superres counter and histogram the servlet prints. */
  static Map<String, Long> superresCounts(String prometheus) {
    Pattern line =
        Pattern.compile(
            "^metrics_.*_superres_(\\w+?)_Count\\{type=\"(?:counters|histograms)\"\\} (\\d+)$",
            Pattern.MULTILINE);
    Map<String, Long> counts = new HashMap<>();
    Matcher m = line.matcher(prometheus);
    while (m.find()) {
      counts.put(m.group(1), Long.parseLong(m.group(2)));
    }
    assertFalse(counts.isEmpty(), "no superres metrics in:\n" + prometheus);
    return counts;
  }

  static String get(String url) throws Exception {
    HttpResponse<String> r =
        HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NORMAL)
            .build()
            .send(
                HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), url + ": " + r.body());
    return r.body();
  }

  /** The application's event log read back through ReplayListenerBus into an AppStatusStore. */
  static List<JobData> replay(Path events, String appId) throws Exception {
    FileSystem fs = FileSystem.getLocal(new Configuration());
    org.apache.hadoop.fs.Path log = new org.apache.hadoop.fs.Path(events.resolve(appId).toUri());
    Option<EventLogFileReader> reader = EventLogFileReader.apply(fs, log);
    assertTrue(reader.isDefined(), "no event log " + log);
    assertTrue(reader.get().completed(), "the event log is complete once Spark stopped");
    InMemoryStore kv = new InMemoryStore();
    SparkConf conf = new SparkConf(false);
    ElementTrackingStore store = new ElementTrackingStore(kv, conf);
    ReplayListenerBus bus = new ReplayListenerBus();
    bus.addListener(new AppStatusListener(store, conf, false, Option.empty(), Option.empty()));
    for (FileStatus file : JavaConverters.seqAsJavaList(reader.get().listEventLogFiles())) {
      try (InputStream s = EventLogFileReader.openEventLog(file.getPath(), fs)) {
        assertTrue(
            bus.replay(s, file.getPath().toString(), false, ReplayListenerBus.SELECT_ALL_FILTER()));
      }
    }
    store.close(false);
    return JavaConverters.seqAsJavaList(
        new AppStatusStore(kv, Option.empty(), Option.empty()).jobsList(null));
  }
}
