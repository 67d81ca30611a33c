package org.superres.submit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.superres.testing.Fixtures;

/**
 * The container images for Spark on Kubernetes (docker/cpu, docker/gpu), checked without Docker:
 * every file they copy from the build context exists in the build output (or, for the GPU jar, is
 * where the gpu profile writes it) and passes .dockerignore; their Spark, project, Hadoop-AWS and
 * AWS SDK versions are the build's, the S3A jars' checksums those of the jars the tests run with;
 * the GPU image sits on a CUDA 13 + cuDNN runtime; and every path k8s-submit and the pod template
 * refer to inside the image is one the image creates.
 */
class KubernetesImagesTest {
  private static final Path ROOT = Fixtures.repoRoot();

  static Dockerfile image(String flavour) throws Exception {
    return Dockerfile.read(ROOT.resolve("docker/" + flavour + "/Dockerfile"));
  }

  @Test
  void everyCopiedFileIsInTheBuildOutputAndTheBuildContext() throws Exception {
    List<String> ignore = Files.readAllLines(ROOT.resolve(".dockerignore"));
    String gpuJar = ROOT.relativize(Paths.get(shell("sr_local_jar gpu"))).toString();
    for (String flavour : new String[] {"cpu", "gpu"}) {
      List<String> sources = new ArrayList<>();
      for (Dockerfile.Copy c : image(flavour).copies) {
        if (c.fromContext()) sources.addAll(c.sources);
      }
      assertTrue(sources.size() >= 2, flavour + ": " + sources);
      for (String s : sources) {
        assertTrue(sentToDocker(ignore, s), s + " is excluded by .dockerignore");
        if (s.equals(gpuJar)) {
          continue; // the gpu profile's output, not built by the default build
        }
        assertTrue(Files.isRegularFile(ROOT.resolve(s)), flavour + " image copies missing " + s);
      }
    }
    String cpuJar =
        ROOT.relativize(Paths.get(System.getProperty("superres.app.jar", "missing"))).toString();
    assertTrue(
        image("cpu").copies.stream().anyMatch(c -> c.sources.contains(cpuJar)),
        "the CPU image copies the jar this build made: " + cpuJar);
    assertTrue(
        image("gpu").copies.stream().anyMatch(c -> c.sources.contains(gpuJar)),
        "the GPU image copies the jar the gpu profile makes: " + gpuJar);
  }

  @Test
  void versionsAreTheBuildsAndTheS3aJarsTheTestedOnes() throws Exception {
    String spark = System.getProperty("superres.spark.version");
    Map<String, Path> s3a =
        Map.of(
            "hadoop-aws", jarOf(org.apache.hadoop.fs.s3a.S3AFileSystem.class),
            "aws-java-sdk-bundle", jarOf(com.amazonaws.services.s3.AmazonS3.class));
    for (String flavour : new String[] {"cpu", "gpu"}) {
      Dockerfile d = image(flavour);
      assertEquals(
          "apache/spark:" + spark + "-scala2.12-java17-ubuntu",
          d.args.get("SPARK_IMAGE"),
          flavour + ": the official Spark image of the Spark the job is built against");
      assertEquals(shell("printf %s \"$SUPERRES_VERSION\""), d.args.get("SUPERRES_VERSION"));
      int downloads = 0;
      for (Dockerfile.Copy c : d.copies) {
        if (c.instruction.equals("ADD") && c.sources.get(0).startsWith("https://")) {
          String url = c.sources.get(0);
          String file = url.substring(url.lastIndexOf('/') + 1);
          Path tested =
              s3a.entrySet().stream()
                  .filter(e -> file.startsWith(e.getKey() + "-"))
                  .findFirst()
                  .orElseThrow(() -> new AssertionError("unexpected download " + url))
                  .getValue();
          assertEquals(tested.getFileName().toString(), file, "the version the tests run with");
          assertEquals("sha256:" + sha256(tested), c.flags.get("checksum"), url);
          assertEquals("/opt/spark/jars/", c.destination, "S3A in $SPARK_HOME/jars");
          downloads++;
        }
      }
      assertEquals(2, downloads, flavour + ": hadoop-aws and the AWS SDK bundle");
    }
    Dockerfile gpu = image("gpu");
    assertTrue(
        gpu.args.get("CUDA_IMAGE").matches("nvidia/cuda:13\\.[0-9.]+-cudnn-runtime-ubuntu[0-9.]+"),
        "CUDA 13 + cuDNN runtime for the GPU jar: " + gpu.args.get("CUDA_IMAGE"));
    assertEquals(List.of(gpu.args.get("SPARK_IMAGE"), gpu.args.get("CUDA_IMAGE")), gpu.from);
    assertTrue(
        gpu.run.stream().anyMatch(r -> r.contains("openjdk-17-jre-headless")), "Java 17 added");
  }

  @Test
  void everyPathTheLaunchersReferToIsOneTheImageCreates() throws Exception {
    for (String flavour : new String[] {"cpu", "gpu"}) {
      List<String> created = image(flavour).created();
      List<String> argv = new ArrayList<>();
      argv.add("submit/k8s/k8s-submit");
      argv.addAll(List.of("--master", "k8s://https://h:443", "--image", "i", "--dry-run"));
      if (flavour.equals("gpu")) argv.add("--gpu");
      argv.addAll(List.of("--", "models", "list"));
      List<String> paths = new ArrayList<>();
      Matcher m =
          Pattern.compile("(?:local://|discoveryScript=)(/\\S+)")
              .matcher(KubernetesSubmitTest.run(argv.toArray(new String[0])));
      while (m.find()) paths.add(m.group(1));
      assertEquals(flavour.equals("gpu") ? 2 : 1, paths.size(), flavour + ": " + paths);
      // The pod template names no file of the image today; any it names must be there too.
      Matcher t =
          Pattern.compile("^[^#]*?[:\\s](/[\\w./-]+)", Pattern.MULTILINE)
              .matcher(Files.readString(ROOT.resolve("submit/k8s/gpu-executor-pod-template.yaml")));
      while (t.find()) paths.add(t.group(1));
      paths.add(shell("printf %s \"$SUPERRES_NODE_DISCOVERY_SCRIPT\""));
      for (String p : paths) {
        assertTrue(created.contains(p), flavour + " image lacks " + p + "; it creates " + created);
      }
    }
  }

  /** .dockerignore as Docker reads it: the last pattern that matches the path or a parent wins. */
  static boolean sentToDocker(List<String> patterns, String path) {
    boolean sent = true;
    for (String raw : patterns) {
      String p = raw.strip();
      if (p.isEmpty() || p.startsWith("#")) continue;
      boolean exception = p.startsWith("!");
      var matcher =
          FileSystems.getDefault().getPathMatcher("glob:" + (exception ? p.substring(1) : p));
      for (Path prefix = Paths.get(path); prefix != null; prefix = prefix.getParent()) {
        if (matcher.matches(prefix)) {
          sent = exception;
          break;
        }
      }
    }
    return sent;
  }

  @Test
  void dockerignoreSemantics() {
    List<String> ignore = List.of("*", "!job/target/*-cpu.jar");
    assertTrue(sentToDocker(ignore, "job/target/x-cpu.jar"));
    assertFalse(sentToDocker(ignore, "job/target/x.jar"));
    assertFalse(sentToDocker(ignore, "README.md"));
  }

  /** A value from submit/lib/common.sh. */
  static String shell(String expression) throws Exception {
    Process p =
        new ProcessBuilder(
                "bash",
                "-c",
                "source \"$1\"; " + expression,
                "_",
                ROOT.resolve("submit/lib/common.sh").toString())
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor());
    return out.strip();
  }

  static Path jarOf(Class<?> c) throws Exception {
    return Paths.get(c.getProtectionDomain().getCodeSource().getLocation().toURI());
  }

  static String sha256(Path file) throws Exception {
    MessageDigest md = MessageDigest.getInstance("SHA-256");
    try (InputStream in = Files.newInputStream(file)) {
      byte[] buf = new byte[1 << 16];
      for (int n; (n = in.read(buf)) > 0; ) md.update(buf, 0, n);
    }
    StringBuilder hex = new StringBuilder();
    for (byte b : md.digest()) hex.append(String.format("%02x", b));
    return hex.toString();
  }
}
