package org.superres.job;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** device.threads = 0 resolves to the executor's cores, never to every core of a shared node. */
class InferenceThreadsTest {
  private static String resolve(
      int configured, String master, String executorCores, int processors) {
    return InferenceThreads.resolve(configured, master, executorCores, processors).toString();
  }

  @Test
  void anExplicitCountWins() {
    assertEquals("3 (device.threads)", resolve(3, "yarn", "8", 64));
  }

  @Test
  void theExecutorsCoresBoundItOnASharedNode() {
    assertEquals("4 (spark.executor.cores)", resolve(0, "yarn", "4", 64));
    assertEquals("4 (spark.executor.cores)", resolve(0, "spark://m:7077", " 4 ", 64));
    assertEquals(
        "2 (spark.executor.cores)",
        resolve(0, "k8s://https://api:443", "16", 2),
        "capped by the JVM's");
    assertEquals("1 (YARN's default executor cores)", resolve(0, "yarn", null, 64));
    assertEquals(
        "1 (Kubernetes' default executor cores)", resolve(0, "k8s://https://api:443", "", 64));
    assertEquals("1 (local-cluster worker cores)", resolve(0, "local-cluster[2,1,1024]", null, 8));
  }

  @Test
  void aLocalOrWholeWorkerExecutorTakesEveryCoreOfItsJvm() {
    assertEquals("2 (cores of this JVM)", resolve(0, "local[*]", null, 2));
    assertEquals(
        "2 (cores of this JVM)",
        resolve(0, "local[1]", null, 2),
        "one slot still infers on all cores");
    assertEquals("16 (cores of this JVM)", resolve(0, "spark://m:7077", null, 16));
  }
}
