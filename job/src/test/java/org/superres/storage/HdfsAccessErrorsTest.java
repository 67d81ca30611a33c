package org.superres.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.permission.FsPermission;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.superres.testing.Fixtures;

/**
 * HDFS that refuses or cannot be reached: the run stops on the driver with exit 2 and one line
 * saying what to fix, before any executor work. Real NameNode (MiniDFSCluster with permissions on),
 * real client, a separate JVM running as another HDFS user (HADOOP_USER_NAME, simple
 * authentication).
 */
class HdfsAccessErrorsTest {
  @TempDir static java.nio.file.Path dir;
  private static MiniHdfs hdfs;
  private static java.nio.file.Path log4j;

  @BeforeAll
  static void start() throws Exception {
    ExecutorSparkHome.prepare();
    hdfs = MiniHdfs.start("access");
    FileSystem fs = hdfs.fs();
    Path locked = new Path(hdfs.uri() + "/restricted/scans");
    StorageFixtures.copySamples(fs, locked, 1, true);
    fs.setPermission(new Path(hdfs.uri() + "/restricted"), new FsPermission((short) 0700));
    log4j = ChildJvm.log4jConfig(dir, "warn");
  }

  @AfterAll
  static void stop() {
    if (hdfs != null) hdfs.close();
  }

  private static String oneError(ChildJvm run) {
    assertEquals(2, run.exitCode, run.output);
    List<String> errors =
        run.output
            .lines()
            .filter(l -> l.startsWith("superres: error:"))
            .collect(Collectors.toList());
    assertEquals(1, errors.size(), run.output);
    assertFalse(
        run.output.contains("EnhancePartition"), "no executor work started:\n" + run.output);
    System.out.println("[storage] " + errors.get(0));
    return errors.get(0);
  }

  @Test
  void anotherUsersDirectoryIsPermissionDenied() throws Exception {
    List<String> argv =
        Jobs.enhance(
            hdfs.uri() + "/restricted/scans",
            dir.resolve("out-denied").toUri().toString(),
            Fixtures.ownModel().toString(),
            "--master",
            "local[1]");
    String error = oneError(ChildJvm.run(log4j, argv, Map.of("HADOOP_USER_NAME", "scanner")));
    assertTrue(
        error.contains("permission denied")
            && error.contains("user=scanner")
            && error.matches(".*access=[A-Z_]+,.*")
            && error.contains("/restricted"),
        error);
    assertTrue(error.contains("run as a user with access"), "says what to do: " + error);
  }

  @Test
  void anUnreachableNameNodeIsNamed() throws Exception {
    int port;
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort(); // closed again: nothing listens there
    }
    List<String> argv =
        Jobs.enhance(
            "hdfs://127.0.0.1:" + port + "/archive/scans",
            dir.resolve("out-unreachable").toUri().toString(),
            Fixtures.ownModel().toString(),
            "--master",
            "local[1]",
            "--conf",
            "spark.hadoop.ipc.client.connect.max.retries=0");
    String error = oneError(ChildJvm.run(log4j, argv));
    // Hadoop names the address as it resolved it (localhost or 127.0.0.1)
    assertTrue(
        error.contains("cannot reach ")
            && error.contains(":" + port + " (ConnectException)")
            && error.contains("NameNode"),
        error);
  }
}
