package org.superres.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.superres.samples.SampleImages;
import org.superres.storage.ExecutorSparkHome;
import org.superres.testing.Fixtures;
import org.superres.testing.Images;

/**
 * The GPU jar on a node without CUDA/cuDNN (this machine): the job must fail once, before any
 * image, with one line naming the missing library and the fix, instead of a manifest full of
 * "NoClassDefFoundError: Could not initialize class DnnSuperResImpl". Runs the real GPU natives, so
 * it needs the GPU jar ({@code mvn -pl job package -Pgpu -DskipTests}, written to job/target-gpu)
 * and is skipped without it.
 */
class GpuJarWithoutCudaTest {
  static Path gpuJar;

  @TempDir Path tmp;

  @BeforeAll
  static void findGpuJar() throws Exception {
    Path dir = Fixtures.repoRoot().resolve("job/target-gpu");
    List<Path> jars = new ArrayList<>();
    if (Files.isDirectory(dir)) {
      try (Stream<Path> s = Files.list(dir)) {
        s.filter(p -> p.getFileName().toString().endsWith("-gpu.jar")).forEach(jars::add);
      }
    }
    assumeTrue(
        !jars.isEmpty(),
        "skipped: no GPU jar in " + dir + " (build it: mvn -pl job package -Pgpu -DskipTests)");
    gpuJar = jars.get(0);
  }

  /**
   * This checkout's classes first (they shadow the jar's copies), the GPU jar's natives, Spark from
   * the test classpath.
   */
  static String classpath() throws Exception {
    List<String> cp = new ArrayList<>();
    cp.add(ExecutorSparkHome.classesDir());
    cp.add(gpuJar.toString());
    for (Path jar : ExecutorSparkHome.runtimeJars()) {
      String n = jar.getFileName().toString();
      if (!n.startsWith("opencv-") && !n.startsWith("openblas-") && !n.startsWith("javacpp-")) {
        cp.add(jar.toString()); // the CPU natives would hide the problem
      }
    }
    return String.join(File.pathSeparator, cp);
  }

  static Result java(String... args) throws Exception {
    List<String> cmd =
        new ArrayList<>(
            Arrays.asList(
                java.nio.file.Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                classpath()));
    // Spark on JDK 17 needs the same --add-opens as this test JVM got from surefire.
    for (String a : java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (a.startsWith("--add-opens")
          || a.startsWith("-XX:+IgnoreUnrecognizedVMOptions")
          || a.startsWith("-Djdk.")) {
        cmd.add(a);
      }
    }
    cmd.addAll(Arrays.asList(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(false).start();
    byte[] out = p.getInputStream().readAllBytes();
    byte[] err = p.getErrorStream().readAllBytes();
    assertTrue(p.waitFor(5, TimeUnit.MINUTES));
    return new Result(
        p.exitValue(),
        new String(out, StandardCharsets.UTF_8),
        new String(err, StandardCharsets.UTF_8));
  }

  static final class Result {
    final int exit;
    final String out;
    final String err;

    Result(int exit, String out, String err) {
      this.exit = exit;
      this.out = out;
      this.err = err;
    }
  }

  @Test
  void enhanceFailsOnceAtExecutorStartNamingTheMissingLibraryAndTheFix() throws Exception {
    Path in = Files.createDirectories(tmp.resolve("in"));
    for (int i = 0; i < 3; i++) {
      Files.write(
          in.resolve("scan-" + i + ".png"), Images.encode(SampleImages.scene(30, 20, i), ".png"));
    }
    Path out = tmp.resolve("out");
    Result r =
        java(
            "org.superres.cli.Main",
            "enhance",
            "--input",
            in.toString(),
            "--output",
            out.toString(),
            "--model",
            Fixtures.ownModel().toString(),
            "--master",
            "local[2]",
            "--set",
            "partitions.max-files=1",
            "--conf",
            "spark.ui.enabled=false");
    assumeTrue(
        !r.out.contains(" ok, "),
        "skipped: the GPU natives loaded here (CUDA and cuDNN are installed)");

    assertEquals(1, r.exit, r.err);
    List<String> errors =
        Arrays.stream(r.err.split("\n"))
            .filter(l -> l.startsWith("superres: error:"))
            .collect(Collectors.toList());
    assertEquals(1, errors.size(), "one error line: " + errors);
    String e = errors.get(0);
    System.out.println("[gpu] the GPU jar without CUDA: " + e);
    assertTrue(e.startsWith("superres: error: natives: OpenCV natives failed to load: lib"), e);
    assertTrue(e.matches(".*lib(cudnn|cudart|cublas)[\\w.]*\\.so\\.\\d+ not found.*"), e);
    assertTrue(
        e.contains("run the CPU jar on nodes without a GPU, or install CUDA 13 and cuDNN 9"), e);
    assertFalse(r.err.contains("Could not initialize class"), "no opaque per-image class errors");
    assertFalse(
        Files.exists(out.resolve("_runs")), "the run failed before any manifest was written");
    assertFalse(Files.exists(out.resolve("scan-0.png")), "no image was processed");
  }
}
