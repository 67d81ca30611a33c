package org.superres.gpucheck;

import java.util.ArrayList;
import java.util.List;

/**
 * Every figure of one check, as the table prints it and --json writes it (public fields, snake_case
 * in JSON). Null means not measured here (a GPU figure on a node without one).
 */
final class CheckReport {
  public String date;
  public String host;
  public Node node = new Node();
  public List<Throughput> throughput = new ArrayList<>();
  public List<Correctness> correctness = new ArrayList<>();
  public LoadCost loadCost;
  public Pipeline pipeline;

  /** FAIL lines: a figure that shows the GPU path is wrong. */
  public List<String> failures = new ArrayList<>();

  /** WARN lines: a figure worth a look, not proof of a fault. */
  public List<String> warnings = new ArrayList<>();

  public int exitCode;

  /** The node: build, natives, devices, versions, and the device the job would use. */
  static final class Node {
    public String jar;
    public boolean gpuBuild;
    public boolean nativesLoaded;
    public String nativesError;
    public List<Gpu> gpus = new ArrayList<>();
    public String driverVersion;
    public String cudaRuntimeVersion;

    /** The CUDA, cuBLAS and cuDNN files this process mapped (what the dynamic linker found). */
    public List<String> cudaLibraries = new ArrayList<>();

    /** OpenCV's build information: the CUDA and cuDNN it was compiled against. */
    public String opencvCuda;

    public String opencvCudnn;

    /** What device.backend=auto picks here, and why. */
    public String autoChoice;

    /** cuda:N or cpu. */
    public String device;

    public String backend;
  }

  /** One visible CUDA device. */
  static final class Gpu {
    public int index;
    public String name;
    public double memoryGib;
    public String computeCapability;
    public int multiprocessors;
  }

  /** Input megapixels per second of one network, device, precision and tile. */
  static final class Throughput {
    public String network;
    public String device;
    public String precision;
    public int tile;
    public double inputMpPerS;
    public Double tflopPerS;
    public int forwards;

    /** Device memory in use after the first forward of a fresh network, minus before it. */
    public Double gpuMemoryMib;

    /** Growth of device memory in use over the timed forwards (a leak grows it). */
    public Double gpuMemoryGrowthMib;
  }

  /** One GPU output against the CPU's on the same tile. */
  static final class Correctness {
    public String network;
    public String device;
    public String precision;
    public int tile;

    /** Null when the outputs are identical. */
    public Double psnrDb;

    public double maxAbsDiff;
    public double peak;
    public double thresholdDb;
    public boolean pass;
  }

  /** Model load and warm-up, and a load per image (the old single-image service) against once. */
  static final class LoadCost {
    public String model;
    public String device;
    public int images;
    public int imageSide;
    public long loadMs;
    public long warmupMs;
    public double msPerImageLoadedOnce;
    public double msPerImageWithLoad;

    /** msPerImageWithLoad / msPerImageLoadedOnce. */
    public double ratio;
  }

  /** The engine's whole path on real images, and how many tasks keep one GPU busy. */
  static final class Pipeline {
    public String model;
    public String device;
    public String precision;
    public String images;
    public int count;
    public double inputMegapixels;
    public int tile;
    public int overlap;
    public double decodeMs;
    public double upscaleMs;
    public double encodeMs;

    /** Null without a GPU (the figure is about keeping a GPU busy). */
    public Integer recommendedTasksPerGpu;

    public String sparkTaskGpuAmount;
    public List<Sharing> sharing = new ArrayList<>();
  }

  /** Throughput with this many tasks (threads) sharing one network. */
  static final class Sharing {
    public int tasks;
    public double imagesPerS;
    public double inputMpPerS;
    public double speedup;
  }
}
