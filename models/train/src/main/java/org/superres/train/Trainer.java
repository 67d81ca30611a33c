package org.superres.train;

import java.io.IOException;
import java.io.PrintStream;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Mat;
import org.superres.eval.EvalReport;
import org.superres.eval.Evaluator;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.types.TFloat32;

/**
 * Trains EDSR xS with TensorFlow Java: L1 loss, Adam (beta 0.9/0.999, eps 1e-8) with a per-step
 * learning rate (linear warm-up, then cosine decay to {@code lrMin} over the planned steps),
 * checkpoints with resume, periodic Set5 evaluation through OpenCV on the exported frozen graph
 * (latest.pb, best.pb in the run dir).
 */
public final class Trainer implements AutoCloseable {

  /** Training settings; stored in the run dir as config.properties. */
  public static final class Config {
    public int blocks = 8;
    public int feats = 32;
    public int scale = 3;
    public int patch = 48;
    public int batch = 16;
    public long steps = 30000;
    public int warmup = 300;
    public double lr = 5e-4;
    public double lrMin = 1e-6;
    public long seed = 20261128L;
    public int evalEvery = 1000;
    public int logEvery = 50;
    public int threads = 2;

    /**
     * When > 0: the cosine runs over this much wall time (minutes, summed over resumes), not over
     * steps.
     */
    public double timeBudgetMin = 0;

    public String extraScales = "";
    public Path trainDir;
    public Path evalDir;
    public Path runDir;

    double[] extraScaleValues() {
      if (extraScales == null || extraScales.isBlank()) {
        return new double[0];
      }
      String[] parts = extraScales.split(",");
      double[] v = new double[parts.length];
      for (int i = 0; i < parts.length; i++) {
        v[i] = Double.parseDouble(parts[i].trim());
      }
      return v;
    }

    Properties toProperties() {
      Properties p = new Properties();
      p.setProperty("blocks", Integer.toString(blocks));
      p.setProperty("feats", Integer.toString(feats));
      p.setProperty("scale", Integer.toString(scale));
      p.setProperty("patch", Integer.toString(patch));
      p.setProperty("batch", Integer.toString(batch));
      p.setProperty("steps", Long.toString(steps));
      p.setProperty("warmup", Integer.toString(warmup));
      p.setProperty("lr", Double.toString(lr));
      p.setProperty("lr-min", Double.toString(lrMin));
      p.setProperty("seed", Long.toString(seed));
      p.setProperty("extra-scales", extraScales);
      p.setProperty("time-budget-min", Double.toString(timeBudgetMin));
      p.setProperty("train-dir", String.valueOf(trainDir));
      return p;
    }
  }

  private final Config cfg;
  private final EdsrGraph net;
  private final Graph graph;
  private final Session session;
  private final Placeholder<TFloat32> lrIn;
  private final Placeholder<TFloat32> hrIn;
  private final Placeholder<TFloat32> learningRate;
  private final Placeholder<TFloat32> beta1Power;
  private final Placeholder<TFloat32> beta2Power;
  private final Operand<TFloat32> loss;
  private final Op trainOp;
  private final Map<String, Variable<TFloat32>> weights = new LinkedHashMap<>();
  private final PrintStream log;
  private long step;
  private double bestPsnr = Double.NEGATIVE_INFINITY;

  /** Wall seconds spent training in earlier sessions of this run (from the checkpoint). */
  private double elapsedBefore;

  private long sessionStart = System.nanoTime();

  public Trainer(Config cfg, PrintStream log) {
    this.cfg = cfg;
    this.log = log;
    this.net = new EdsrGraph(cfg.blocks, cfg.feats, cfg.scale);
    this.graph = new Graph();
    Ops tf = Ops.create(graph);
    int p = cfg.patch;
    int hp = cfg.patch * cfg.scale;
    lrIn =
        tf.withName("lr_patches")
            .placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, p, p, 3)));
    hrIn =
        tf.withName("hr_patches")
            .placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, hp, hp, 3)));
    learningRate =
        tf.withName("learning_rate").placeholder(TFloat32.class, Placeholder.shape(Shape.scalar()));
    beta1Power =
        tf.withName("beta1_power").placeholder(TFloat32.class, Placeholder.shape(Shape.scalar()));
    beta2Power =
        tf.withName("beta2_power").placeholder(TFloat32.class, Placeholder.shape(Shape.scalar()));

    Random rnd = new Random(cfg.seed);
    EdsrGraph.Params vars =
        (name, shape) -> {
          EdsrGraph.ParamSpec spec = null;
          for (EdsrGraph.ParamSpec s : net.params()) {
            if (s.name.equals(name)) {
              spec = s;
            }
          }
          float[] init = new float[spec.size()];
          if (spec.fanIn() > 0) {
            // He (variance scaling, fan-in, normal)
            double std = Math.sqrt(2.0 / spec.fanIn());
            for (int i = 0; i < init.length; i++) {
              init[i] = (float) (rnd.nextGaussian() * std);
            }
          }
          Variable<TFloat32> v =
              tf.withName(name)
                  .variable(tf.constant(Shape.of(shape), DataBuffers.of(init, true, false)));
          weights.put(name, v);
          return v;
        };
    Operand<TFloat32> out = net.buildNhwc(tf, vars, lrIn);
    loss =
        tf.withName("l1_loss")
            .math
            .mean(tf.math.abs(tf.math.sub(out, hrIn)), tf.constant(new int[] {0, 1, 2, 3}));

    List<Variable<TFloat32>> vlist = new ArrayList<>(weights.values());
    Output<?>[] xs = new Output<?>[vlist.size()];
    for (int i = 0; i < xs.length; i++) {
      xs[i] = vlist.get(i).asOutput();
    }
    Output<?>[] grads = graph.addGradients(loss.asOutput(), xs);
    Operand<TFloat32> b1 = tf.constant(0.9f);
    Operand<TFloat32> b2 = tf.constant(0.999f);
    Operand<TFloat32> eps = tf.constant(1e-8f);
    List<Op> updates = new ArrayList<>();
    for (int i = 0; i < vlist.size(); i++) {
      Variable<TFloat32> v = vlist.get(i);
      String n = weights.keySet().toArray(new String[0])[i];
      Operand<TFloat32> zeros = tf.zeros(tf.constant(v.shape()), TFloat32.class);
      Variable<TFloat32> m = tf.withName(n + "_adam_m").variable(zeros);
      Variable<TFloat32> s = tf.withName(n + "_adam_v").variable(zeros);
      @SuppressWarnings("unchecked")
      Output<TFloat32> g = (Output<TFloat32>) grads[i];
      updates.add(
          tf.train.applyAdam(v, m, s, beta1Power, beta2Power, learningRate, b1, b2, eps, g));
    }
    trainOp = tf.withName("train_step").withControlDependencies(updates).noOp();

    ConfigProto proto =
        ConfigProto.newBuilder()
            .setIntraOpParallelismThreads(cfg.threads)
            .setInterOpParallelismThreads(1)
            .build();
    session = new Session(graph, proto);
  }

  public EdsrGraph net() {
    return net;
  }

  public long step() {
    return step;
  }

  /** Initializes fresh weights, or restores the run dir's checkpoint when there is one. */
  public void initOrRestore() throws IOException {
    Path state = stateFile();
    if (cfg.runDir != null && Files.exists(state)) {
      Properties p = new Properties();
      try (Reader r = Files.newBufferedReader(state)) {
        p.load(r);
      }
      session.restore(cfg.runDir.resolve("ckpt").resolve("model").toString());
      step = Long.parseLong(p.getProperty("step"));
      bestPsnr = Double.parseDouble(p.getProperty("best-psnr", "-Infinity"));
      elapsedBefore = Double.parseDouble(p.getProperty("elapsed-s", "0"));
      log.printf(
          Locale.ROOT, "resumed from %s at step %d (best Set5 %.3f)%n", cfg.runDir, step, bestPsnr);
    } else {
      session.initialize();
      step = 0;
    }
  }

  private Path stateFile() {
    return cfg.runDir == null
        ? Paths.get("nonexistent")
        : cfg.runDir.resolve("ckpt").resolve("state.properties");
  }

  /** Writes a checkpoint (all variables incl. Adam slots) plus step and best PSNR. */
  public void checkpoint() throws IOException {
    Path dir = cfg.runDir.resolve("ckpt");
    Files.createDirectories(dir);
    session.save(dir.resolve("model").toString());
    Properties p = new Properties();
    p.setProperty("step", Long.toString(step));
    p.setProperty("best-psnr", Double.toString(bestPsnr));
    p.setProperty("elapsed-s", Double.toString(elapsedSeconds()));
    Path tmp = dir.resolve("state.properties.tmp");
    try (Writer w = Files.newBufferedWriter(tmp)) {
      p.store(w, "trainer state");
    }
    Files.move(
        tmp, stateFile(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /** Wall seconds of training so far, over all sessions of this run. */
  public double elapsedSeconds() {
    return elapsedBefore + (System.nanoTime() - sessionStart) / 1e9;
  }

  /** Schedule progress 0..1: by steps, or by wall time when a time budget is set. */
  public double progress(long s) {
    double byStep = (double) (s - cfg.warmup) / Math.max(1, cfg.steps - cfg.warmup);
    if (cfg.timeBudgetMin > 0) {
      return Math.max(0, Math.min(1.0, elapsedSeconds() / (cfg.timeBudgetMin * 60)));
    }
    return Math.max(0, Math.min(1.0, byStep));
  }

  /**
   * Learning rate for a 0-based step: linear warm-up, then cosine to lrMin at the end of the
   * schedule.
   */
  public double learningRate(long s) {
    if (s < cfg.warmup) {
      return cfg.lr * (s + 1) / cfg.warmup;
    }
    double t = progress(s);
    return cfg.lrMin + 0.5 * (cfg.lr - cfg.lrMin) * (1 + Math.cos(Math.PI * t));
  }

  private boolean finished() {
    return step >= cfg.steps || (cfg.timeBudgetMin > 0 && progress(step) >= 1.0);
  }

  /** One optimizer step; returns the batch's L1 loss (pixel units, 0..255 scale). */
  public float trainStep(PatchSource.Batch b) {
    int n = cfg.batch;
    int p = cfg.patch;
    int hp = p * cfg.scale;
    long t = step + 1;
    try (TFloat32 lrT = TFloat32.tensorOf(Shape.of(n, p, p, 3), DataBuffers.of(b.lr, true, false));
        TFloat32 hrT =
            TFloat32.tensorOf(Shape.of(n, hp, hp, 3), DataBuffers.of(b.hr, true, false));
        TFloat32 rate = TFloat32.scalarOf((float) learningRate(step));
        TFloat32 p1 = TFloat32.scalarOf((float) Math.pow(0.9, t));
        TFloat32 p2 = TFloat32.scalarOf((float) Math.pow(0.999, t));
        Result r =
            session
                .runner()
                .feed(lrIn, lrT)
                .feed(hrIn, hrT)
                .feed(learningRate, rate)
                .feed(beta1Power, p1)
                .feed(beta2Power, p2)
                .addTarget(trainOp)
                .fetch(loss)
                .run()) {
      step++;
      return ((TFloat32) r.get(0)).getFloat();
    }
  }

  /** Current weights, fetched from the session. */
  public Map<String, float[]> weightValues() {
    Map<String, float[]> out = new LinkedHashMap<>();
    for (Map.Entry<String, Variable<TFloat32>> e : weights.entrySet()) {
      try (Result r = session.runner().fetch(e.getValue()).run()) {
        TFloat32 t = (TFloat32) r.get(0);
        float[] a = new float[(int) t.shape().size()];
        t.copyTo(DataBuffers.of(a, false, false));
        out.put(e.getKey(), a);
      }
    }
    return out;
  }

  public byte[] exportFrozen() {
    return Exporter.frozenGraph(net, weightValues());
  }

  /**
   * Exports latest.pb, evaluates it on the eval set with OpenCV, keeps best.pb; returns the report.
   */
  public EvalReport exportAndEvaluate() throws IOException {
    Path latest = cfg.runDir.resolve("latest.pb");
    Exporter.write(exportFrozen(), latest);
    EvalReport rep;
    try (OpenCvSr sr = new OpenCvSr(latest, "edsr", cfg.scale)) {
      rep =
          new Evaluator(cfg.scale)
              .evaluate(
                  cfg.evalDir,
                  "edsr-b" + cfg.blocks + "f" + cfg.feats + "-step" + step,
                  org.superres.engine.ModelSpec.sha256Of(latest),
                  sr);
    }
    if (rep.model.meanPsnr > bestPsnr) {
      bestPsnr = rep.model.meanPsnr;
      Files.copy(latest, cfg.runDir.resolve("best.pb.tmp"), StandardCopyOption.REPLACE_EXISTING);
      Files.move(
          cfg.runDir.resolve("best.pb.tmp"),
          cfg.runDir.resolve("best.pb"),
          StandardCopyOption.REPLACE_EXISTING,
          StandardCopyOption.ATOMIC_MOVE);
      Files.writeString(
          cfg.runDir.resolve("best.txt"),
          String.format(
              Locale.ROOT,
              "step=%d set5_psnr=%.4f set5_ssim=%.5f%n",
              step,
              rep.model.meanPsnr,
              rep.model.meanSsim));
    }
    return rep;
  }

  /**
   * The training loop: runs until the planned step count, evaluating and checkpointing every
   * evalEvery.
   */
  public void run(PatchSource data) throws Exception {
    Path evalLog = cfg.runDir.resolve("eval.tsv");
    if (!Files.exists(evalLog)) {
      Files.writeString(evalLog, "step\telapsed_s\tlr\tset5_psnr\tset5_ssim\tbicubic_psnr\n");
    }
    long t0 = System.nanoTime();
    long tLast = t0;
    long stepLast = step;
    double lossSum = 0;
    int lossN = 0;
    double trainSeconds = 0;
    sessionStart = System.nanoTime();
    while (!finished()) {
      PatchSource.Batch b = data.next();
      long ts = System.nanoTime();
      float l = trainStep(b);
      trainSeconds += (System.nanoTime() - ts) / 1e9;
      if (!Float.isFinite(l)) {
        throw new IllegalStateException("loss is " + l + " at step " + step);
      }
      lossSum += l;
      lossN++;
      if (step % cfg.logEvery == 0) {
        long now = System.nanoTime();
        double sps = (step - stepLast) / ((now - tLast) / 1e9);
        log.printf(
            Locale.ROOT,
            "step %d loss %.4f lr %.3g steps/s %.3f (%.3f s/step in TF)%n",
            step,
            lossSum / lossN,
            learningRate(step - 1),
            sps,
            trainSeconds / lossN);
        lossSum = 0;
        lossN = 0;
        trainSeconds = 0;
        tLast = now;
        stepLast = step;
      }
      if (step % cfg.evalEvery == 0 || finished()) {
        long te = System.nanoTime();
        EvalReport rep = exportAndEvaluate();
        checkpoint();
        double elapsed = elapsedSeconds();
        log.printf(
            Locale.ROOT,
            "eval step %d Set5 PSNR %.3f SSIM %.4f (bicubic %.3f) best %.3f "
                + "[eval+ckpt %.1fs]%n",
            step,
            rep.model.meanPsnr,
            rep.model.meanSsim,
            rep.bicubic.meanPsnr,
            bestPsnr,
            (System.nanoTime() - te) / 1e9);
        Files.writeString(
            evalLog,
            String.format(
                Locale.ROOT,
                "%d\t%.0f\t%.3g\t%.4f\t%.5f\t%.4f%n",
                step,
                elapsed,
                learningRate(step - 1),
                rep.model.meanPsnr,
                rep.model.meanSsim,
                rep.bicubic.meanPsnr),
            StandardOpenOption.APPEND);
        tLast = System.nanoTime();
        stepLast = step;
      }
    }
    log.printf(Locale.ROOT, "done: %d steps, %.0f s%n", step, elapsedSeconds());
  }

  @Override
  public void close() {
    session.close();
    graph.close();
  }

  // ---------------------------------------------------------------------------------------------------------

  private static Config parse(String[] args, Map<String, String> extra) {
    Config c = new Config();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (!a.startsWith("--") || i + 1 >= args.length) {
        throw new IllegalArgumentException("bad argument " + a + " (expected --key value)");
      }
      String v = args[++i];
      switch (a) {
        case "--blocks":
          c.blocks = Integer.parseInt(v);
          break;
        case "--feats":
          c.feats = Integer.parseInt(v);
          break;
        case "--scale":
          c.scale = Integer.parseInt(v);
          break;
        case "--patch":
          c.patch = Integer.parseInt(v);
          break;
        case "--batch":
          c.batch = Integer.parseInt(v);
          break;
        case "--steps":
          c.steps = Long.parseLong(v);
          break;
        case "--warmup":
          c.warmup = Integer.parseInt(v);
          break;
        case "--lr":
          c.lr = Double.parseDouble(v);
          break;
        case "--lr-min":
          c.lrMin = Double.parseDouble(v);
          break;
        case "--seed":
          c.seed = Long.parseLong(v);
          break;
        case "--eval-every":
          c.evalEvery = Integer.parseInt(v);
          break;
        case "--log-every":
          c.logEvery = Integer.parseInt(v);
          break;
        case "--threads":
          c.threads = Integer.parseInt(v);
          break;
        case "--extra-scales":
          c.extraScales = v;
          break;
        case "--time-budget-min":
          c.timeBudgetMin = Double.parseDouble(v);
          break;
        case "--train-dir":
          c.trainDir = Paths.get(v);
          break;
        case "--eval-dir":
          c.evalDir = Paths.get(v);
          break;
        case "--run-dir":
          c.runDir = Paths.get(v);
          break;
        default:
          extra.put(a, v);
      }
    }
    return c;
  }

  /**
   * {@code Trainer --run-dir DIR --train-dir DIR --eval-dir SET5_DIR [--blocks B --feats F --steps
   * N ...]} trains (resuming from DIR/ckpt when present). {@code --bench N} instead times N steps
   * and OpenCV inference of a 256x256 input, prints them and exits.
   */
  public static void main(String[] args) throws Exception {
    Map<String, String> extra = new LinkedHashMap<>();
    Config cfg = parse(args, extra);
    opencv_core.setNumThreads(cfg.threads);
    if (extra.containsKey("--bench")) {
      bench(cfg, Integer.parseInt(extra.get("--bench")));
      return;
    }
    if (cfg.runDir == null || cfg.trainDir == null || cfg.evalDir == null) {
      throw new IllegalArgumentException("--run-dir, --train-dir and --eval-dir are required");
    }
    Files.createDirectories(cfg.runDir);
    // the settings of every (re)start, newest last
    try (Writer w =
        Files.newBufferedWriter(
            cfg.runDir.resolve("config.properties"),
            StandardCharsets.UTF_8,
            StandardOpenOption.CREATE,
            StandardOpenOption.APPEND)) {
      cfg.toProperties().store(w, "trainer config at (re)start");
    }
    try (Trainer t = new Trainer(cfg, System.out)) {
      System.out.printf(
          Locale.ROOT,
          "EDSR x%d B=%d F=%d params=%d, steps=%d batch=%d lr=%g%n",
          cfg.scale,
          cfg.blocks,
          cfg.feats,
          t.net().paramCount(),
          cfg.steps,
          cfg.batch,
          cfg.lr);
      t.initOrRestore();
      long tl = System.nanoTime();
      try (PatchSource data =
          new PatchSource(
              cfg.trainDir,
              cfg.scale,
              cfg.patch,
              cfg.batch,
              cfg.extraScaleValues(),
              cfg.seed + t.step())) {
        System.out.printf(
            Locale.ROOT,
            "training pairs: %d (prepared in %.1fs)%n",
            data.imageCount(),
            (System.nanoTime() - tl) / 1e9);
        t.run(data);
      }
    }
  }

  private static void bench(Config cfg, int n) throws Exception {
    Path tmpDir = Files.createTempDirectory("edsr-bench");
    try (Trainer t = new Trainer(cfg, System.out)) {
      t.initOrRestore();
      PatchSource.Batch b =
          new PatchSource.Batch(
              new float[cfg.batch * cfg.patch * cfg.patch * 3],
              new float[cfg.batch * cfg.patch * cfg.patch * 9 * 3]);
      Random r = new Random(1);
      for (int i = 0; i < b.lr.length; i++) {
        b.lr[i] = (float) (r.nextGaussian() * 50);
      }
      for (int i = 0; i < b.hr.length; i++) {
        b.hr[i] = (float) (r.nextGaussian() * 50);
      }
      for (int i = 0; i < 3; i++) {
        t.trainStep(b);
      }
      long t0 = System.nanoTime();
      for (int i = 0; i < n; i++) {
        t.trainStep(b);
      }
      double sPerStep = (System.nanoTime() - t0) / 1e9 / n;
      Path pb = tmpDir.resolve("bench.pb");
      Exporter.write(t.exportFrozen(), pb);
      double mps;
      try (OpenCvSr sr = new OpenCvSr(pb, "edsr", cfg.scale)) {
        Mat in = new Mat(256, 256, opencv_core.CV_8UC3);
        opencv_core.randu(
            in,
            new Mat(1, 1, opencv_core.CV_64F, new org.bytedeco.javacpp.DoublePointer(0.0)),
            new Mat(1, 1, opencv_core.CV_64F, new org.bytedeco.javacpp.DoublePointer(255.0)));
        Mat out = sr.apply(in);
        if (out.rows() != 256 * cfg.scale) {
          throw new IllegalStateException("unexpected output " + out.cols() + "x" + out.rows());
        }
        int reps = 3;
        long t1 = System.nanoTime();
        for (int i = 0; i < reps; i++) {
          sr.apply(in);
        }
        double s = (System.nanoTime() - t1) / 1e9 / reps;
        mps = 256.0 * 256.0 / 1e6 / s;
      }
      System.out.printf(
          Locale.ROOT,
          "BENCH B=%d F=%d params=%d s/step=%.4f infer_256=%.3f MP/s (input)%n",
          cfg.blocks,
          cfg.feats,
          t.net().paramCount(),
          sPerStep,
          mps);
    } finally {
      try (var s = Files.list(tmpDir)) {
        s.forEach(p -> p.toFile().delete());
      }
      Files.deleteIfExists(tmpDir);
    }
  }
}
