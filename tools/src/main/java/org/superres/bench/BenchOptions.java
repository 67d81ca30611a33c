package org.superres.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** What one bench run measures; the defaults keep a run within about five minutes on two cores. */
public final class BenchOptions {
  /** Catalog names, .pb paths or LABEL=PATH; the first is the one the headline ratios are about. */
  public List<String> models = new ArrayList<>();

  public int[] sizes = {256, 1024};

  /** Images per set, aligned with sizes. */
  public int[] images = {4, 1};

  public int repeats = 3;

  /** Spark master of the main comparison; null = the launcher's default (local[*]). */
  public String master;

  /** device.threads of the main comparison (and OpenCV's threads of the plain loops). */
  public int threads;

  /**
   * tiling.tile of the job in the main comparison: 0 = the same whole-image work as the plain
   * loops.
   */
  public int jobTile = 0;

  /** The engine's tiling compared against whole images (tiling.tile, tiling.overlap). */
  public int tile = 256;

  public int overlap = 16;

  public int[] rssSizes = {1024, 4096};

  /** The model of the RSS probes; null = the last of models (the fast one: RSS is about tiling). */
  public String rssModel;

  public String rssXmx = "2g";

  /** The three modes, tiling, per-model throughput and RSS; off with --only matrix. */
  public boolean compare = true;

  public boolean matrix = true;

  /** Issue 16's planning figures (PlanningBench): only with --only planning. */
  public boolean planning = false;

  /** Inputs of the generated inventories the planner is timed on. */
  public long[] planningInputs = {1_000_000, 10_000_000};

  /** -Xmx of the planning probes: the driver's heap must stay within it. */
  public String planningXmx = "1g";

  /** The issue 17 figures (GigapixelBench): only with --only gigapixel. */
  public boolean gigapixel = false;

  /** Input sizes (megapixels) of the streamed RSS probes; the ratio is last over first. */
  public double[] gigapixelMegapixels = {10, 100};

  public String gigapixelXmx = "1g";

  /** Input of the launcher run (megapixels); 0 = not run. */
  public double launcherMegapixels = 36;

  public int gigapixelThroughputSize = 1024;
  public int gigapixelThroughputImages = 1;
  public int[] matrixSlots = {1, 2};
  public int[] matrixThreads = {1, 2};
  public int matrixSize = 512;
  public int matrixImages = 4;
  public int matrixRepeats = 2;

  /** Models measured for throughput only (inference on one small image): LABEL=PATH or paths. */
  public List<String> throughputModels = new ArrayList<>();

  public int throughputSize = 64;

  public int convChannels = 64;
  public int convSize = 128;

  public Path workDir;
  public Path json;
}
