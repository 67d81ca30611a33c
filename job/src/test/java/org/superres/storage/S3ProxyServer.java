package org.superres.storage;

import com.amazonaws.auth.AWSStaticCredentialsProvider;
import com.amazonaws.auth.BasicAWSCredentials;
import com.amazonaws.client.builder.AwsClientBuilder;
import com.amazonaws.services.s3.AmazonS3;
import com.amazonaws.services.s3.AmazonS3ClientBuilder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.superres.testing.Fixtures;

/**
 * A real S3 server for a test class: S3Proxy started as its own process by .ci/s3proxy.sh (the
 * script .ci/run uses too), with its data kept on disk under job/target so that it can be stopped
 * and started again on the same port (the outage test). Buckets are created through the S3 API (AWS
 * SDK v1, the one hadoop-aws 3.3.4 uses).
 */
public final class S3ProxyServer implements AutoCloseable {
  public static final String REGION = "us-east-1";

  private final Path dir;
  private String endpoint;
  private String accessKey;
  private String secretKey;

  private S3ProxyServer(Path dir) {
    this.dir = dir;
  }

  public static S3ProxyServer start(String name) throws IOException, InterruptedException {
    Path dir = Path.of("target", "s3proxy-" + name).toAbsolutePath();
    S3ProxyServer s = new S3ProxyServer(dir);
    s.script("stop", null); // a server left over by an interrupted earlier run
    s.script("start", null);
    s.readEnv();
    return s;
  }

  /** Stops the server process (the outage begins). */
  void stop() throws IOException, InterruptedException {
    script("stop", null);
  }

  /**
   * Freezes the server process (SIGSTOP): connections are still accepted by the kernel, and then
   * nothing is sent, as with an object store that stalls mid-read.
   */
  void pause() throws IOException, InterruptedException {
    signal("-STOP");
  }

  /** Lets a paused server go on (SIGCONT). */
  void resume() throws IOException, InterruptedException {
    signal("-CONT");
  }

  private void signal(String signal) throws IOException, InterruptedException {
    String pid = Files.readString(dir.resolve("s3proxy.pid"), StandardCharsets.UTF_8).trim();
    Process p = new ProcessBuilder("kill", signal, pid).redirectErrorStream(true).start();
    if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException("kill " + signal + " " + pid + " failed");
    }
  }

  /** Starts it again on the same port with the same data. */
  void restart() throws IOException, InterruptedException {
    script("start", endpoint.substring(endpoint.lastIndexOf(':') + 1));
  }

  private void script(String command, String port) throws IOException, InterruptedException {
    Path script = Fixtures.repoRoot().resolve(".ci/s3proxy.sh");
    ProcessBuilder pb =
        new ProcessBuilder("bash", script.toString(), command, dir.toString())
            .redirectErrorStream(true);
    if (port != null) {
      pb.environment().put("S3PROXY_PORT", port);
    }
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(3, TimeUnit.MINUTES) || p.exitValue() != 0) {
      throw new IOException(".ci/s3proxy.sh " + command + " failed: " + out);
    }
  }

  private void readEnv() throws IOException {
    for (String line : Files.readAllLines(dir.resolve("s3proxy.env"), StandardCharsets.UTF_8)) {
      String kv = line.replaceFirst("^export ", "");
      int eq = kv.indexOf('=');
      if (eq < 0) {
        continue;
      }
      String k = kv.substring(0, eq);
      String v = kv.substring(eq + 1);
      switch (k) {
        case "S3PROXY_ENDPOINT":
          endpoint = v;
          break;
        case "AWS_ACCESS_KEY_ID":
          accessKey = v;
          break;
        case "AWS_SECRET_ACCESS_KEY":
          secretKey = v;
          break;
        default:
          break;
      }
    }
  }

  public String endpoint() {
    return endpoint;
  }

  public String accessKey() {
    return accessKey;
  }

  public String secretKey() {
    return secretKey;
  }

  public AmazonS3 client() {
    return AmazonS3ClientBuilder.standard()
        .withEndpointConfiguration(new AwsClientBuilder.EndpointConfiguration(endpoint, REGION))
        .withPathStyleAccessEnabled(true)
        .withCredentials(
            new AWSStaticCredentialsProvider(new BasicAWSCredentials(accessKey, secretKey)))
        .build();
  }

  public void createBucket(String bucket) {
    AmazonS3 s3 = client();
    if (!s3.doesBucketExistV2(bucket)) {
      s3.createBucket(bucket);
    }
    s3.shutdown();
  }

  /** S3A settings as users give them, without credentials: spark.hadoop.fs.s3a.* */
  public Map<String, String> s3aProperties() {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("spark.hadoop.fs.s3a.endpoint", endpoint);
    p.put("spark.hadoop.fs.s3a.endpoint.region", REGION);
    p.put("spark.hadoop.fs.s3a.path.style.access", "true");
    p.put("spark.hadoop.fs.s3a.connection.ssl.enabled", "false");
    p.put(
        "spark.hadoop.fs.s3a.aws.credentials.provider",
        "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider");
    return p;
  }

  /** --conf arguments for s3aProperties, plus the keys when withKeys. */
  public List<String> confArgs(boolean withKeys) {
    List<String> a = new ArrayList<>();
    Map<String, String> p = s3aProperties();
    if (withKeys) {
      p.put("spark.hadoop.fs.s3a.access.key", accessKey);
      p.put("spark.hadoop.fs.s3a.secret.key", secretKey);
    }
    p.forEach(
        (k, v) -> {
          a.add("--conf");
          a.add(k + "=" + v);
        });
    return a;
  }

  /** A Hadoop client of this server, for test setup and checks. */
  public FileSystem fs(String bucket) throws IOException {
    Configuration c = new Configuration();
    s3aProperties().forEach((k, v) -> c.set(k.substring("spark.hadoop.".length()), v));
    c.set("fs.s3a.access.key", accessKey);
    c.set("fs.s3a.secret.key", secretKey);
    c.setBoolean("fs.s3a.impl.disable.cache", true);
    return FileSystem.get(java.net.URI.create("s3a://" + bucket + "/"), c);
  }

  @Override
  public void close() throws IOException, InterruptedException {
    stop();
  }
}
