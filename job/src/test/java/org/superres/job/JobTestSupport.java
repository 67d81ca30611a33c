package org.superres.job;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;
import org.superres.config.ConfigLoader;
import org.superres.config.JobSettings;
import org.superres.listing.InputSource;
import org.superres.output.OutputLayout;
import org.superres.plan.Plan;
import org.superres.plan.PlanLayout;
import org.superres.plan.RunPlanner;

/** Small helpers of the robustness tests: the model, settings, sessions, and reading a run back. */
public final class JobTestSupport {
  static final ObjectMapper JSON = new ObjectMapper();

  private JobTestSupport() {}

  /** The job's own listing, planning and layout of a run's inputs, as EnhanceJob does them. */
  public static PlanLayout.Result layOut(SparkSession spark, JobSettings settings)
      throws Exception {
    org.apache.hadoop.fs.Path out = new org.apache.hadoop.fs.Path(settings.outputUri);
    OutputLayout layout =
        new OutputLayout(
            out.getFileSystem(spark.sparkContext().hadoopConfiguration())
                .makeQualified(out)
                .toString());
    Plan plan =
        new RunPlanner(spark, settings, layout, null, settings.outputMode)
            .plan(InputSource.listed(spark, settings, layout));
    return new PlanLayout(settings.partitionTargetBytes, settings.partitionMaxFiles)
        .layOut(spark, plan, 0, layout.galleryDir("test"));
  }

  public static JobSettings settings(String... sets) {
    return JobSettings.from(ConfigLoader.load(null, Arrays.asList(sets)));
  }

  public static SparkSession session(String master, String... conf) {
    SparkConf c =
        new SparkConf()
            .setMaster(master)
            .setAppName("superres robustness test")
            .set("spark.ui.enabled", "false")
            .set("spark.sql.shuffle.partitions", "2")
            .set("spark.sql.jsonGenerator.ignoreNullFields", "false");
    for (int i = 0; i + 1 < conf.length; i += 2) {
      c.set(conf[i], conf[i + 1]);
    }
    // getOrCreate would return a session another test class left running, with its master (local[2]
    // instead of the retries of local[2,4], say): stop it so this one is created as asked.
    SparkSession.getDefaultSession()
        .foreach(
            existing -> {
              existing.stop();
              return null;
            });
    return SparkSession.builder().config(c).getOrCreate();
  }

  /** The rows of _runs/RUN_ID/manifest.jsonl. */
  public static List<JsonNode> manifest(Path output, String runId) throws IOException {
    List<JsonNode> rows = new ArrayList<>();
    for (String line :
        Files.readAllLines(
            output.resolve("_runs").resolve(runId).resolve("manifest.jsonl"),
            StandardCharsets.UTF_8)) {
      if (!line.isBlank()) rows.add(JSON.readTree(line));
    }
    return rows;
  }

  public static JsonNode summary(Path output, String runId) throws IOException {
    return JSON.readTree(output.resolve("_runs").resolve(runId).resolve("summary.json").toFile());
  }

  /** The run ids under _runs, oldest first. */
  public static List<String> runIds(Path output) throws IOException {
    try (Stream<Path> s = Files.list(output.resolve("_runs"))) {
      return s.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
    }
  }

  /** Every file and directory below dir, relative, sorted. */
  public static TreeSet<String> tree(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(p -> !p.equals(dir))
          .map(p -> dir.relativize(p).toString())
          .collect(Collectors.toCollection(TreeSet::new));
    }
  }

  /**
   * Image outputs below an output root: not the manifest, not run files, not hidden temporaries.
   */
  public static TreeSet<String> images(Path output) throws IOException {
    return tree(output).stream()
        .filter(
            p ->
                !p.startsWith("_")
                    && Files.isRegularFile(output.resolve(p))
                    && !Paths.get(p).getFileName().toString().startsWith("."))
        .collect(Collectors.toCollection(TreeSet::new));
  }

  /** The local path of a file: URI as the manifest writes it. */
  public static Path local(String uri) {
    return Paths.get(new org.apache.hadoop.fs.Path(uri).toUri().getPath());
  }
}
