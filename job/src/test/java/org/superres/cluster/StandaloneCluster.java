package org.superres.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Spark standalone cluster of separate JVMs started from the tests' Spark distribution, as
 * sbin/start-master.sh and start-worker.sh start them (bin/spark-class with the Master and Worker
 * classes): one Master and N Workers, each with its own work directory, on 127.0.0.1 and free
 * ports. Stopping it ends the Workers' executors and drivers, then the daemons.
 */
final class StandaloneCluster implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern MASTER_URL =
      Pattern.compile("Starting Spark master at (spark://\\S+)");
  private static final Pattern MASTER_UI =
      Pattern.compile("Bound MasterWebUI to .*, and started at (http://\\S+)");

  final Path base;
  final String masterUrl;
  final String masterUi;
  final List<Path> workerDirs = new ArrayList<>();
  private final List<Process> daemons = new ArrayList<>();

  private StandaloneCluster(Path base, String masterUrl, String masterUi) {
    this.base = base;
    this.masterUrl = masterUrl;
    this.masterUi = masterUi;
  }

  static StandaloneCluster start(
      SparkDistribution spark, Path base, int workers, int cores, String memory)
      throws IOException, InterruptedException {
    SparkDistribution.deleteTree(base);
    Files.createDirectories(base);
    Process master =
        daemon(
            spark,
            base.resolve("master.log"),
            "org.apache.spark.deploy.master.Master",
            "--host",
            "127.0.0.1",
            "--port",
            "0",
            "--webui-port",
            "0");
    StandaloneCluster cluster;
    try {
      cluster =
          new StandaloneCluster(
              base,
              awaitLine(master, base.resolve("master.log"), MASTER_URL),
              awaitLine(master, base.resolve("master.log"), MASTER_UI));
    } catch (IOException | RuntimeException e) {
      stop(master);
      throw e;
    }
    cluster.daemons.add(master);
    try {
      for (int i = 1; i <= workers; i++) {
        Path dir = Files.createDirectories(base.resolve("worker-" + i));
        cluster.workerDirs.add(dir);
        cluster.daemons.add(
            daemon(
                spark,
                base.resolve("worker-" + i + ".log"),
                "org.apache.spark.deploy.worker.Worker",
                "--host",
                "127.0.0.1",
                "--port",
                "0",
                "--webui-port",
                "0",
                "--cores",
                String.valueOf(cores),
                "--memory",
                memory,
                "--work-dir",
                dir.toString(),
                cluster.masterUrl));
      }
      cluster.awaitAliveWorkers(workers);
    } catch (IOException | RuntimeException | InterruptedException e) {
      cluster.close();
      throw e;
    }
    return cluster;
  }

  private static Process daemon(SparkDistribution spark, Path log, String... classAndArgs)
      throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(spark.sparkClass().toString());
    cmd.addAll(List.of(classAndArgs));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.redirectOutput(log.toFile());
    pb.environment().putAll(spark.environment());
    // What sbin/spark-daemon.sh users set: the daemons' own heap (the launcher reads it).
    pb.environment().put("SPARK_DAEMON_MEMORY", "256m");
    return pb.start();
  }

  /** The first match of PATTERN in a starting daemon's log. */
  private static String awaitLine(Process p, Path log, Pattern pattern)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
    while (System.nanoTime() < deadline) {
      String text = Files.readString(log, StandardCharsets.UTF_8);
      Matcher m = pattern.matcher(text);
      if (m.find()) {
        return m.group(1);
      }
      if (!p.isAlive()) {
        throw new IOException("daemon exited with " + p.exitValue() + ":\n" + text);
      }
      Thread.sleep(250);
    }
    throw new IOException("no '" + pattern + "' in " + log + " within 3 minutes");
  }

  /** The Master's state as its web UI serves it (/json/). */
  JsonNode state() throws IOException, InterruptedException {
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(masterUi + "/json/")).build(),
                HttpResponse.BodyHandlers.ofString());
    return JSON.readTree(r.body());
  }

  private void awaitAliveWorkers(int n) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
    while (state().get("aliveworkers").asInt() < n) {
      if (System.nanoTime() > deadline) {
        throw new IOException("fewer than " + n + " workers registered: " + state());
      }
      Thread.sleep(250);
    }
  }

  /** Per Worker: the directories its drivers (driver-*) and applications (app-*) wrote. */
  List<Path> workDirEntries(String prefix) throws IOException {
    List<Path> found = new ArrayList<>();
    for (Path w : workerDirs) {
      try (var s = Files.list(w)) {
        s.filter(p -> p.getFileName().toString().startsWith(prefix)).forEach(found::add);
      }
    }
    return found;
  }

  @Override
  public void close() {
    // Workers first, with what they launched (executors, drivers), then the Master.
    for (int i = daemons.size() - 1; i >= 0; i--) {
      stop(daemons.get(i));
    }
  }

  private static void stop(Process p) {
    List<ProcessHandle> children = new ArrayList<>();
    p.descendants().forEach(children::add);
    p.destroy();
    try {
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    for (ProcessHandle c : children) {
      if (c.isAlive()) {
        c.destroyForcibly();
      }
    }
  }
}
