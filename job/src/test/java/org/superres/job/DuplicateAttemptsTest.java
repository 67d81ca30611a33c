package org.superres.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.superres.config.JobSettings;
import org.superres.engine.DecodedImage;
import org.superres.engine.Device;
import org.superres.engine.ImageCodec;
import org.superres.engine.ImageLimits;
import org.superres.engine.ModelCache;
import org.superres.engine.ModelKind;
import org.superres.engine.ModelSpec;
import org.superres.engine.Precision;
import org.superres.manifest.ManifestRow;
import org.superres.manifest.ManifestWriter;
import org.superres.model.ModelCatalog;
import org.superres.model.ModelResolver;
import org.superres.model.ResolvedModel;
import org.superres.output.OutputLayout;
import org.superres.plan.InputFile;
import org.superres.plan.PlanLayout;
import org.superres.plan.PlannedInput;
import org.superres.testing.Fixtures;
import org.superres.testing.HostileCorpus;

/**
 * Duplicate attempts of the same work (Spark retries, speculative copies). Spark never speculates
 * on a single host, so idempotency is proven directly: (1) two attempts of the same inputs running
 * at the same time, with different attempt tags, leave exactly one whole output per input; (2) a
 * Spark job whose tasks all run twice (the first attempt of every task writes its outputs, then
 * dies; Spark retries it), with spark.speculation on, yields exactly one manifest row per input and
 * intact outputs.
 */
class DuplicateAttemptsTest {
  private static final int INPUTS = 10;
  static final AtomicInteger INJECTED_FAILURES = new AtomicInteger();

  @TempDir Path dir;

  @Test
  void concurrentAttemptsOfTheSameInputsLeaveOneWholeOutputEach() throws Exception {
    Path model = Fixtures.ownModel();
    Path in = inputs();
    Path out = dir.resolve("out");
    JobSettings settings =
        JobTestSupport.settings(
            "input=[\"" + in.toUri() + "\"]",
            "output.uri=" + out.toUri(),
            "model.uri=" + model.toUri(),
            "output.mode=overwrite");
    Configuration hadoop = new Configuration();
    List<PlannedInput> planned = plan(in, out);
    ModelSpec spec =
        new ModelSpec(Fixtures.OWN_MODEL_NAME, ModelKind.EDSR, 3, ModelSpec.sha256Of(model));
    ModelCache.Loaded net = ModelCache.get(spec, Device.CPU, Precision.FP32, () -> model);

    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    List<Future<List<ManifestRow>>> attempts = new ArrayList<>();
    for (int attempt = 0; attempt < 2; attempt++) {
      ImagePipeline pipeline = new ImagePipeline(settings, spec, () -> net.net, hadoop);
      ImagePipeline.Origin origin =
          new ImagePipeline.Origin("r", "driver", "localhost", attempt, "t" + attempt);
      attempts.add(
          pool.submit(
              () -> {
                start.await();
                List<ManifestRow> rows = new ArrayList<>();
                for (PlannedInput f : planned) {
                  rows.add(pipeline.process(f, origin));
                }
                return rows;
              }));
    }
    start.countDown();
    for (Future<List<ManifestRow>> a : attempts) {
      for (ManifestRow r : a.get()) {
        assertEquals(ManifestRow.OK, r.status, r.inputUri + ": " + r.error);
      }
    }
    pool.shutdown();
    assertOneWholeOutputPerInput(out);
  }

  @Test
  void everyTaskRunTwiceStillGivesOneRowPerInput() throws Exception {
    Path model = Fixtures.ownModel();
    Path in = inputs();
    Path out = dir.resolve("out");
    JobSettings settings =
        JobTestSupport.settings(
            "input=[\"" + in.toUri() + "\"]",
            "output.uri=" + out.toUri(),
            "model.uri=" + model.toUri(),
            "partitions.max-files=2");
    // local[2,4]: two task slots, a task may fail up to 4 times before the job does.
    SparkSession spark =
        JobTestSupport.session(
            "local[2,4]",
            "spark.speculation",
            "true",
            "spark.speculation.interval",
            "50ms",
            "spark.speculation.multiplier",
            "1",
            "spark.speculation.quantile",
            "0.1");
    INJECTED_FAILURES.set(0);
    List<Row> rows;
    try {
      Configuration hadoop = spark.sparkContext().hadoopConfiguration();
      OutputLayout layout = new OutputLayout(new org.apache.hadoop.fs.Path(out.toUri()).toString());
      ResolvedModel resolved = new ModelResolver(hadoop, ModelCatalog.load()).resolve(settings);
      PlanLayout.Result laid = JobTestSupport.layOut(spark, settings);
      JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
      jsc.addFile(resolved.uri);
      String runId = RunId.next();
      EnhancePartition partition =
          new EnhancePartition(
              runId,
              settings,
              resolved.spec,
              resolved.fileName(),
              hadoop,
              new EnhancePartition.RunCounters(spark.sparkContext()));
      JavaRDD<ManifestRow> manifest = laid.inputs().mapPartitions(new FirstAttemptDies(partition));
      ManifestWriter writer = new ManifestWriter(spark, layout, runId);
      writer.writeParquet(manifest);
      Dataset<Row> read = writer.read();
      rows = read.collectAsList();
      assertEquals(
          laid.partitions,
          INJECTED_FAILURES.get(),
          "every task's first attempt wrote its outputs and died");
    } finally {
      spark.stop();
    }
    Set<String> uris = new HashSet<>();
    int duplicates = 0;
    for (Row r : rows) {
      if (!uris.add(r.getAs("input_uri"))) duplicates++;
      assertEquals(ManifestRow.OK, r.getAs("status"), r.toString());
      assertEquals(1, (int) r.getAs("task_attempt"), "the rows are the retry's");
    }
    int lost = INPUTS - uris.size();
    System.out.printf(
        "duplicate attempts: inputs %d, rows %d, retries %d, duplicates %d, lost %d%n",
        INPUTS, rows.size(), INJECTED_FAILURES.get(), duplicates, lost);
    assertEquals(0, duplicates);
    assertEquals(0, lost);
    assertEquals(INPUTS, rows.size());
    assertOneWholeOutputPerInput(out);
  }

  /**
   * Runs the real partition function, then, on a task's first attempt only, dies after its outputs
   * exist.
   */
  static final class FirstAttemptDies
      implements FlatMapFunction<Iterator<PlannedInput>, ManifestRow> {
    private static final long serialVersionUID = 1L;
    private final EnhancePartition delegate;

    FirstAttemptDies(EnhancePartition delegate) {
      this.delegate = delegate;
    }

    @Override
    public Iterator<ManifestRow> call(Iterator<PlannedInput> bins) throws Exception {
      List<ManifestRow> rows = new ArrayList<>();
      delegate.call(bins).forEachRemaining(rows::add);
      if (TaskContext.get().attemptNumber() == 0) {
        INJECTED_FAILURES.incrementAndGet();
        throw new IllegalStateException(
            "injected: attempt 0 lost after writing " + rows.size() + " outputs");
      }
      return rows.iterator();
    }
  }

  private Path inputs() throws Exception {
    Path in = Files.createDirectories(dir.resolve("in"));
    for (int i = 0; i < INPUTS; i++) {
      Files.write(
          in.resolve("page-" + i + ".png"),
          HostileCorpus.png(HostileCorpus.gradient(60 + i, 40, BufferedImage.TYPE_3BYTE_BGR)));
    }
    return in;
  }

  /** Every input to process into its output below out, as the planner would plan a new output. */
  private static List<PlannedInput> plan(Path in, Path out) throws Exception {
    List<PlannedInput> planned = new ArrayList<>();
    try (java.util.stream.Stream<Path> files = Files.list(in)) {
      for (Path f : (Iterable<Path>) files.sorted()::iterator) {
        String name = f.getFileName().toString();
        InputFile input =
            new InputFile(
                f.toUri().toString(), name, Files.size(f), Files.getLastModifiedTime(f).toMillis());
        planned.add(PlannedInput.process(input, out.resolve(name).toUri().toString()));
      }
    }
    assertEquals(INPUTS, planned.size());
    return planned;
  }

  private static void assertOneWholeOutputPerInput(Path out) throws Exception {
    ImageCodec codec = new ImageCodec(new ImageLimits(0, 0));
    Set<String> images = JobTestSupport.images(out);
    assertEquals(INPUTS, images.size(), "exactly one output per input: " + images);
    for (String name : images) {
      DecodedImage img = codec.decode(Files.readAllBytes(out.resolve(name)));
      int i = Integer.parseInt(name.substring(5, name.indexOf('.')));
      assertEquals(3 * (60 + i), img.width(), name + " is whole");
      assertEquals(120, img.height(), name);
    }
    assertTrue(
        JobTestSupport.tree(out).stream().noneMatch(p -> p.endsWith(".tmp")), "no temporary left");
  }
}
