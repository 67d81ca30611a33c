package org.superres.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.superres.testing.Fixtures;

/**
 * The Spark installation of the cluster tests, under job/target/spark-dist: what a cluster's Spark
 * provides and nothing more. jars/ holds the job's provided scope (Spark, Spark on YARN, the Hadoop
 * client and S3A, as on EMR and Dataproc), listed by the build in target/spark-dist-classpath.txt,
 * and the YARN web proxy's jar a distribution has beside them (target/spark-dist-extra-jars): no
 * OpenCV, no picocli, no superres class, so the application jar has to bring them as on a real
 * cluster. bin/ has spark-class and spark-submit (test resources spark-dist/bin), conf/ the logging
 * of every JVM started from here.
 */
public final class SparkDistribution {
  private static SparkDistribution prepared;

  final Path home;

  private SparkDistribution(Path home) {
    this.home = home;
  }

  /** Builds the distribution once per test JVM. */
  public static synchronized SparkDistribution prepare() throws IOException {
    Assumptions.assumeTrue(
        "cpu".equals(System.getProperty("superres.jar.flavour")),
        "the cluster tests submit the CPU application jar; this build is the "
            + System.getProperty("superres.jar.flavour")
            + " flavour");
    if (prepared == null) {
      Path home = Paths.get("target", "spark-dist").toAbsolutePath();
      Path jars = home.resolve("jars");
      deleteTree(jars);
      Files.createDirectories(jars);
      for (Path jar : providedJars()) {
        Files.createSymbolicLink(jars.resolve(jar.getFileName()), jar);
      }
      for (String file :
          new String[] {"bin/spark-class", "bin/spark-submit", "conf/log4j2.properties"}) {
        Path target = home.resolve(file);
        Files.createDirectories(target.getParent());
        try (InputStream in = SparkDistribution.class.getResourceAsStream("/spark-dist/" + file)) {
          Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
        }
        if (file.startsWith("bin/")) {
          Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
      }
      prepared = new SparkDistribution(home);
    }
    return prepared;
  }

  /** The jars of the job's provided scope, as the build listed them. */
  static Set<Path> providedJars() throws IOException {
    Path list = Paths.get(System.getProperty("superres.spark-dist.classpath", "missing"));
    if (!Files.isRegularFile(list)) {
      throw new IOException(
          list + " is missing: run the tests through Maven (job/pom.xml, spark-dist-classpath)");
    }
    Set<Path> jars = new LinkedHashSet<>();
    for (String entry :
        Files.readString(list, StandardCharsets.UTF_8).trim().split(java.io.File.pathSeparator)) {
      Path jar = Paths.get(entry);
      if (jar.getFileName().toString().endsWith(".jar")) {
        jars.add(jar);
      }
    }
    try (Stream<Path> extra =
        Files.list(Paths.get(System.getProperty("superres.spark-dist.extra-jars", "missing")))) {
      extra.forEach(jars::add);
    }
    return jars;
  }

  /**
   * The application jar the build made before the tests (job/pom.xml: app-jar.phase), where
   * submit/spark-submit-job looks for it by default.
   */
  public static Path applicationJar() {
    Path jar = Paths.get(System.getProperty("superres.app.jar", "missing"));
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(
          "no application jar "
              + jar
              + ": the build makes it before the tests unless -Dapp-jar.phase=package defers it");
    }
    return jar;
  }

  public Path sparkSubmit() {
    return home.resolve("bin/spark-submit");
  }

  public Path sparkClass() {
    return home.resolve("bin/spark-class");
  }

  public Path conf() {
    return home.resolve("conf");
  }

  /**
   * The environment of a process using this Spark: SPARK_HOME, this JVM's Java, no inherited
   * SPARK_SUBMIT or configuration directories.
   */
  public Map<String, String> environment() {
    Map<String, String> env = new HashMap<>();
    env.put("SPARK_HOME", home.toString());
    env.put("JAVA_HOME", System.getProperty("java.home"));
    env.put("SPARK_CONF_DIR", conf().toString());
    env.put("SPARK_LOCAL_IP", "127.0.0.1");
    return env;
  }

  /** Runs a launcher script of the repository with this Spark, from DIR, output to LOG. */
  public ProcessBuilder launcher(Path dir, Path log, Map<String, String> extraEnv, String... argv) {
    String[] cmd = argv.clone();
    cmd[0] = Fixtures.repoRoot().resolve(argv[0]).toString();
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile());
    Map<String, String> env = pb.environment();
    for (String k :
        new String[] {"SPARK_SUBMIT", "HADOOP_CONF_DIR", "YARN_CONF_DIR", "SUPERRES_FAKE_GPUS"}) {
      env.remove(k);
    }
    env.putAll(environment());
    env.putAll(extraEnv);
    return pb.redirectErrorStream(true).redirectOutput(log.toFile());
  }

  static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) s.sorted((a, b) -> b.compareTo(a))::iterator) {
        Files.delete(p);
      }
    }
  }
}
