package org.superres.storage;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * The SPARK_HOME that separate executor JVMs (Spark's local-cluster master) start from: jars/ holds
 * links to the job's runtime classpath (Spark, Hadoop, S3A, OpenCV, ...) taken from this test JVM,
 * conf/ the executors' log4j2 configuration. surefire sets SPARK_HOME to job/target/spark-home
 * (job/pom.xml).
 */
public final class ExecutorSparkHome {
  private ExecutorSparkHome() {}

  public static Path prepare() throws IOException {
    String env = System.getenv("SPARK_HOME");
    Assumptions.assumeTrue(
        env != null, "SPARK_HOME is not set: run through Maven (job/pom.xml sets it)");
    Path home = Paths.get(env).toAbsolutePath();
    Path jars = home.resolve("jars");
    Files.createDirectories(jars);
    try (Stream<Path> old = Files.list(jars)) {
      for (Path p : (Iterable<Path>) old::iterator) {
        Files.delete(p);
      }
    }
    Set<String> names = new LinkedHashSet<>();
    for (Path jar : runtimeJars()) {
      String name = jar.getFileName().toString();
      if (names.add(name)) {
        Files.createSymbolicLink(jars.resolve(name), jar);
      }
    }
    Path conf = home.resolve("conf");
    Files.createDirectories(conf);
    Files.writeString(
        conf.resolve("log4j2.properties"),
        String.join(
            "\n",
            "rootLogger.level = warn",
            "rootLogger.appenderRef.stderr.ref = console",
            "appender.console.type = Console",
            "appender.console.name = console",
            "appender.console.target = SYSTEM_ERR",
            "appender.console.layout.type = PatternLayout",
            "appender.console.layout.pattern = %d{HH:mm:ss} %-5p %c{1}: %m%n",
            "logger.superres.name = org.superres",
            "logger.superres.level = info",
            // "Fetching spark://.../files/MODEL with timestamp": the executor taking the shipped
            // model.
            "logger.executor.name = org.apache.spark.executor.Executor",
            "logger.executor.level = info",
            ""));
    return home;
  }

  /**
   * The project's own classes (the job's and, in a reactor build, the engine's target/classes), for
   * spark.executor.extraClassPath: jars/ takes only .jar files.
   */
  public static String classesDir() {
    List<String> dirs = new ArrayList<>();
    for (Path p : classpath()) {
      if (Files.isDirectory(p) && p.endsWith(Paths.get("target", "classes"))) {
        dirs.add(p.toAbsolutePath().toString());
      }
    }
    return String.join(File.pathSeparator, dirs);
  }

  /** Executor logs of an application: SPARK_HOME/work/APP_ID/EXECUTOR_ID/stderr. */
  public static Path workDir(String appId) {
    return Paths.get(System.getenv("SPARK_HOME"), "work", appId);
  }

  /** Jars of this JVM's classpath, minus test-only ones. */
  public static List<Path> runtimeJars() throws IOException {
    List<Path> out = new ArrayList<>();
    for (Path p : classpath()) {
      add(out, p);
    }
    return out;
  }

  /** This JVM's classpath entries, surefire's booter manifest expanded. */
  private static List<Path> classpath() {
    List<Path> out = new ArrayList<>();
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      Path p = Paths.get(entry);
      if (p.getFileName().toString().startsWith("surefirebooter")) {
        try (JarFile booter = new JarFile(p.toFile())) {
          Manifest m = booter.getManifest();
          for (String url : m.getMainAttributes().getValue("Class-Path").split(" ")) {
            if (url.startsWith("file:")) {
              out.add(Paths.get(URI.create(url)));
            } else if (!url.isEmpty()) { // relative to the booter jar, URL-encoded
              out.add(
                  p.getParent()
                      .resolve(java.net.URLDecoder.decode(url, StandardCharsets.UTF_8))
                      .normalize());
            }
          }
        } catch (IOException e) {
          throw new UncheckedIOException("cannot read the surefire booter " + p, e);
        }
      } else {
        out.add(p);
      }
    }
    return out;
  }

  private static void add(List<Path> out, Path p) {
    String n = p.getFileName().toString();
    if (!n.endsWith(".jar") || !Files.isRegularFile(p)) {
      return;
    }
    if (n.startsWith("junit-")
        || n.startsWith("opentest4j")
        || n.startsWith("apiguardian")
        || n.startsWith("surefire")
        || n.startsWith("common-java5")
        || n.startsWith("hadoop-client-minicluster")
        // the cluster tests' own: Spark on Kubernetes and what the in-process YARN needs
        || n.startsWith("spark-kubernetes")
        || n.startsWith("kubernetes-")
        || n.startsWith("bcprov-")
        || n.startsWith("bcpkix-")
        || n.startsWith("bcutil-")
        || n.startsWith("jaxb-api")) {
      return;
    }
    out.add(p.toAbsolutePath());
  }
}
