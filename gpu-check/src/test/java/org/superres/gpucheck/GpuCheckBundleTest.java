package org.superres.gpucheck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.superres.testing.Fixtures;

/**
 * The GPU check bundle (submit/gpu-check-bundle) on this machine, which has no NVIDIA driver: it
 * unpacks and runs with no JDK on PATH and JAVA_HOME unset, says in one line what is missing with
 * the documented exit code, finds CUDA installed as Python packages, runs the whole check on its
 * real GPU natives when CUDA is there (stand-in libraries here), and writes nothing outside its
 * folder and $TMPDIR. Building the bundle takes minutes, so CI does not: these tests skip without
 * it.
 */
class GpuCheckBundleTest {
  /** What run.sh may use; the tests' PATH holds these alone (no java, no python3 unless given). */
  static final List<String> TOOLS =
      Arrays.asList(
          "bash", "awk", "dirname", "getconf", "head", "id", "ln", "mkdir", "paste", "rm", "sed",
          "sort", "timeout", "uname");

  @TempDir static Path shared;
  static Path tarball;
  static Path parent;
  static Path bundle;

  @TempDir Path tmp;

  @BeforeAll
  static void unpack() throws Exception {
    Path target = Fixtures.repoRoot().resolve("gpu-check/target");
    List<Path> found = new ArrayList<>();
    if (Files.isDirectory(target)) {
      try (Stream<Path> s = Files.list(target)) {
        s.filter(p -> p.getFileName().toString().endsWith("-linux-x86_64.tar.xz"))
            .forEach(found::add);
      }
    }
    assumeTrue(
        !found.isEmpty(),
        "skipped: no GPU check bundle in "
            + target
            + ": build it with submit/gpu-check-bundle (a few minutes; CI does not)");
    tarball = found.get(0);
    parent = Files.createDirectories(shared.resolve("parent"));
    Result r = run(List.of("tar", "-xJf", tarball.toString(), "-C", parent.toString()), null);
    assertEquals(0, r.exit, r.out);
    try (Stream<Path> s = Files.list(parent)) {
      bundle = s.findFirst().orElseThrow();
    }
  }

  @Test
  void isOneFileOfAtMost60MiBWithItsRuntimeAndOnlyTheNativesDnnSuperresLoads() throws Exception {
    assertTrue(Files.size(tarball) <= 60L * 1024 * 1024, tarball + ": " + Files.size(tarball));
    assertTrue(Files.isExecutable(bundle.resolve("run.sh")));
    assertTrue(Files.isExecutable(bundle.resolve("runtime/bin/java")));
    assertFalse(Files.exists(bundle.resolve("runtime/bin/javac")), "a runtime, not a JDK");
    assertEquals(
        new TreeSet<>(
            List.of(
                "libjniopencv_core.so",
                "libjniopencv_dnn.so",
                "libjniopencv_dnn_superres.so",
                "libjniopencv_imgcodecs.so",
                "libjniopencv_imgproc.so",
                "libjniopencv_ml.so",
                "libjniopencv_quality.so",
                "libopencv_core.so.413",
                "libopencv_cudev.so.413",
                "libopencv_dnn.so.413",
                "libopencv_dnn_superres.so.413",
                "libopencv_imgcodecs.so.413",
                "libopencv_imgproc.so.413",
                "libopencv_ml.so.413",
                "libopencv_quality.so.413")),
        libraries(jar("opencv-*-linux-x86_64-gpu.jar")));
    assertEquals(
        new TreeSet<>(
            List.of(
                "libgcc_s.so.1",
                "libgfortran.so.5",
                "libjniopenblas.so",
                "libjniopenblas_nolapack.so",
                "libopenblas.so.0",
                "libquadmath.so.0")),
        libraries(jar("openblas-*-linux-x86_64.jar")));
  }

  @Test
  void withoutADriverItSaysSoInOneLineAndExitsThree() throws Exception {
    Sandbox box = new Sandbox(false);
    Set<String> before = listing(bundle);
    Result r = box.run(bundle.resolve("run.sh").toString());
    assumeTrue(
        !r.out.contains("natives: loaded"),
        "skipped: CUDA 13 and cuDNN 9 are installed here, so the check ran on");
    assertEquals(3, r.exit, r.out);
    assertEquals(1, r.out.lines().count(), r.out);
    assertTrue(
        r.out.startsWith(
            "gpu-check: NO GPU: no NVIDIA driver on this node (libcuda.so.1 not found), and CUDA 13"
                + " / cuDNN 9 missing ("),
        r.out);
    assertTrue(r.out.contains("libcudnn.so.9"), "cuDNN is not installed on this machine");
    assertEquals(before, listing(bundle), "nothing written in its folder either");
    box.assertNothingWrittenOutside(true);
  }

  @Test
  void findsCudaInstalledAsPythonPackagesAndLinksItsLibrariesBySoname() throws Exception {
    Path site = tmp.resolve("site-packages");
    Path cu13 = Files.createDirectories(site.resolve("nvidia/cu13/lib"));
    Path cudnn = Files.createDirectories(site.resolve("nvidia/cudnn/lib"));
    // Fake files: this is about finding them; a Python package names each by its SONAME, or longer.
    for (Path f :
        List.of(
            cu13.resolve("libcudart.so.13"),
            cu13.resolve("libcublas.so.13"),
            cu13.resolve("libcublasLt.so.13.1.0.3"),
            cudnn.resolve("libcudnn.so.9"),
            cudnn.resolve("libcudnn_ops.so.9"),
            cudnn.resolve("libcudnn_cnn.so.9.15.0"))) {
      Files.writeString(f, "not a library");
    }
    Sandbox box = new Sandbox(true);
    box.env.put("PYTHONPATH", site.toString());
    Result r = box.run(bundle.resolve("run.sh").toString(), "--skip-edsr");

    String from = " (python3 package, " + site + ")";
    assertTrue(
        r.out.contains(
            "gpu-check: cuda: libcublas.so.13 = " + cu13.resolve("libcublas.so.13") + from),
        r.out);
    assertTrue(
        r.out.contains(
            "gpu-check: cuda: libcublasLt.so.13 = "
                + cu13.resolve("libcublasLt.so.13.1.0.3")
                + from),
        r.out);
    assertTrue(
        r.out.contains("gpu-check: cuda: libcudnn.so.9 = " + cudnn.resolve("libcudnn.so.9") + from),
        r.out);
    assertTrue(r.out.contains("gpu-check: cuda: libcudart.so.13 = "), r.out); // the system's first
    Path links = bundle.resolve("work/cuda-libs");
    assertTrue(r.out.contains("gpu-check: cuda links: " + links), r.out);
    assertEquals(
        cu13.resolve("libcublas.so.13"), Files.readSymbolicLink(links.resolve("libcublas.so.13")));
    assertEquals(
        cu13.resolve("libcublasLt.so.13.1.0.3"),
        Files.readSymbolicLink(links.resolve("libcublasLt.so.13")));
    assertEquals(
        cudnn.resolve("libcudnn_ops.so.9"),
        Files.readSymbolicLink(links.resolve("libcudnn_ops.so.9")));
    assertEquals(
        cudnn.resolve("libcudnn_cnn.so.9.15.0"),
        Files.readSymbolicLink(links.resolve("libcudnn_cnn.so.9")));
    // Found, but not libraries: the natives fail to load, and the check says so.
    assertEquals(1, r.exit, r.out);
    assertTrue(r.out.contains("natives: FAILED: OpenCV natives failed to load"), r.out);
    box.assertNothingWrittenOutside(false);
  }

  /** Carried from the job's GpuJarWithoutCudaTest: the GPU natives on a node without CUDA. */
  @Test
  void itsGpuNativesWithoutCudaSayWhichLibraryIsMissingAndExitOne() throws Exception {
    Sandbox box = new Sandbox(false);
    Path work = bundle.resolve("work");
    Result r =
        box.run(
            bundle.resolve("runtime/bin/java").toString(),
            "-XX:-UsePerfData",
            "-Dorg.bytedeco.javacpp.cachedir=" + work.resolve("javacpp"),
            "-Djava.io.tmpdir=" + box.tmpdir,
            "-cp",
            bundle.resolve("lib") + File.separator + "*",
            GpuCheck.class.getName(),
            "--skip-edsr",
            "--work",
            work.toString());
    assumeTrue(!r.out.contains("natives: loaded"), "skipped: the GPU natives loaded here");
    assertEquals(1, r.exit, r.out);
    assertTrue(r.out.contains("jar: GPU build"), r.out);
    assertTrue(r.out.contains("natives: FAILED: OpenCV natives failed to load: lib"), r.out);
    assertTrue(r.out.contains("backend used: none"), r.out);
    box.assertNothingWrittenOutside(false);
  }

  @Test
  void withStandInCudaLibrariesTheWholeCheckRunsOnItsGpuNativesAndSaysNoGpu() throws Exception {
    assumeTrue(
        onPath("gcc") && onPath("readelf"),
        "skipped: needs gcc and readelf to build stand-in CUDA libraries");
    Path natives = Files.createDirectories(tmp.resolve("natives"));
    try (ZipFile zip = new ZipFile(jar("opencv-*-linux-x86_64-gpu.jar").toFile())) {
      for (ZipEntry e : Collections.list(zip.entries())) {
        String name = e.getName().substring(e.getName().lastIndexOf('/') + 1);
        if (name.startsWith("libopencv_")) {
          try (InputStream in = zip.getInputStream(e)) {
            Files.copy(in, natives.resolve(name));
          }
        }
      }
    }
    Path site = tmp.resolve("site-packages");
    Path lib = Files.createDirectories(site.resolve("nvidia/cu13/lib"));
    Path script = Fixtures.repoRoot().resolve("gpu-check/src/test/bundle/stub-cuda.sh");
    Result made = run(List.of("bash", script.toString(), natives.toString(), lib.toString()), null);
    assertEquals(0, made.exit, made.out);
    Files.move(
        lib.resolve("libcudnn.so.9"),
        Files.createDirectories(site.resolve("nvidia/cudnn/lib")).resolve("libcudnn.so.9"));

    Sandbox box = new Sandbox(true);
    box.env.put("PYTHONPATH", site.toString());
    Path json = tmp.resolve("check.json");
    Result r =
        box.run(bundle.resolve("run.sh").toString(), "--skip-edsr", "--json", json.toString());
    assertEquals(3, r.exit, r.out);
    assertTrue(r.out.contains("gpu-check: driver: none (libcuda.so.1 not found)"), r.out);
    assertTrue(r.out.contains("jar: GPU build (OpenCV with CUDA 13 + cuDNN 9)"), r.out);
    assertTrue(r.out.contains("natives: loaded"), r.out);
    assertTrue(r.out.contains("opencv built with: CUDA YES (ver 13."), r.out);
    assertTrue(
        r.out.contains(
            "device found: NO GPU: device.backend=auto (no GPU assigned by Spark): this is the GPU"
                + " build of OpenCV but it sees no CUDA device"),
        r.out);
    assertTrue(r.out.contains("\nNO GPU: "), r.out);
    JsonNode report = new ObjectMapper().readTree(json.toFile());
    assertTrue(report.at("/node/gpu_build").asBoolean());
    String libs = report.at("/node/cuda_libraries").toString();
    assertTrue(libs.contains(site.resolve("nvidia/cudnn/lib/libcudnn.so.9").toString()), libs);
    assertEquals("superres-edsr-x3.pb", report.at("/throughput/0/network").asText());
    assertTrue(report.at("/throughput/0/input_mp_per_s").asDouble() > 0);
    assertEquals(3, report.at("/pipeline/sharing").size());
    box.assertNothingWrittenOutside(false);
  }

  /** A fresh HOME and TMPDIR, JAVA_HOME unset, PATH of TOOLS only (and python3 if asked). */
  final class Sandbox {
    final Path home;
    final Path tmpdir;
    final Map<String, String> env = new HashMap<>();

    Sandbox(boolean python) throws Exception {
      home = Files.createDirectories(tmp.resolve("home"));
      tmpdir = Files.createDirectories(tmp.resolve("tmpdir"));
      Path bin = Files.createDirectories(tmp.resolve("bin"));
      for (String tool : TOOLS) {
        Files.createSymbolicLink(bin.resolve(tool), which(tool));
      }
      if (python) {
        assumeTrue(onPath("python3"), "skipped: no python3 here");
        Result exe =
            GpuCheckBundleTest.run(
                List.of("python3", "-c", "import sys; print(sys.executable)"), null);
        Files.createSymbolicLink(bin.resolve("python3"), Paths.get(exe.out.trim()));
      }
      env.put("PATH", bin.toString());
      env.put("HOME", home.toString());
      env.put("TMPDIR", tmpdir.toString());
    }

    Result run(String... cmd) throws Exception {
      return GpuCheckBundleTest.run(Arrays.asList(cmd), env);
    }

    void assertNothingWrittenOutside(boolean tmpdirToo) throws IOException {
      assertEquals(Set.of(), listing(home), "HOME stays empty");
      assertEquals(Set.of(bundle.getFileName().toString()), names(parent), "beside the bundle");
      if (tmpdirToo) {
        assertEquals(Set.of(), listing(tmpdir), "TMPDIR");
      }
    }
  }

  static final class Result {
    final int exit;
    final String out;

    Result(int exit, String out) {
      this.exit = exit;
      this.out = out;
    }
  }

  /** Runs cmd with exactly env (null: this JVM's), stdout and stderr together. */
  static Result run(List<String> cmd, Map<String, String> env) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    if (env != null) {
      pb.environment().clear();
      pb.environment().putAll(env);
    }
    Process p = pb.start();
    byte[] out = p.getInputStream().readAllBytes();
    assertTrue(p.waitFor(5, TimeUnit.MINUTES), "timed out: " + cmd);
    return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
  }

  static Path jar(String glob) throws IOException {
    try (var s = Files.newDirectoryStream(bundle.resolve("lib"), glob)) {
      return s.iterator().next();
    }
  }

  /** The native libraries in a jar, by file name. */
  static Set<String> libraries(Path jar) throws IOException {
    try (ZipFile zip = new ZipFile(jar.toFile())) {
      return zip.stream()
          .map(e -> e.getName().substring(e.getName().lastIndexOf('/') + 1))
          .filter(n -> n.contains(".so"))
          .collect(Collectors.toCollection(TreeSet::new));
    }
  }

  static Set<String> listing(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(p -> !p.equals(dir))
          .map(p -> dir.relativize(p).toString())
          .collect(Collectors.toCollection(TreeSet::new));
    }
  }

  static Set<String> names(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
    }
  }

  static boolean onPath(String tool) {
    return whichOrNull(tool) != null;
  }

  static Path which(String tool) {
    Path p = whichOrNull(tool);
    assumeTrue(p != null, "skipped: no " + tool + " on this machine");
    return p;
  }

  private static Path whichOrNull(String tool) {
    for (String dir : System.getenv("PATH").split(File.pathSeparator)) {
      Path p = Paths.get(dir, tool);
      if (Files.isExecutable(p)) {
        return p;
      }
    }
    return null;
  }
}
