package org.superres.submit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.SecurityManager;
import org.apache.spark.SparkConf;
import org.apache.spark.deploy.SparkSubmit;
import org.apache.spark.deploy.SparkSubmitArguments;
import org.apache.spark.deploy.k8s.KubernetesExecutorConf;
import org.apache.spark.deploy.k8s.SparkPod;
import org.apache.spark.internal.config.ConfigEntry;
import org.apache.spark.resource.ResourceProfile;
import org.apache.spark.resource.ResourceProfile$;
import org.apache.spark.resource.ResourceRequest;
import org.apache.spark.resource.ResourceRequirement;
import org.apache.spark.resource.ResourceUtils;
import org.apache.spark.scheduler.cluster.k8s.KubernetesExecutorBuilder;
import org.junit.jupiter.api.Test;
import org.superres.testing.Fixtures;
import scala.Option;
import scala.Tuple4;
import scala.collection.JavaConverters;

/**
 * submit/k8s/k8s-submit without a cluster, checked by the Spark-on-Kubernetes code of the Spark
 * version in use (spark-kubernetes on the test classpath): every configuration key the launcher
 * passes or its help names is one Spark knows, spark-submit accepts the generated arguments as a
 * Kubernetes cluster-mode submission, and Spark's own executor pod builder, given the launcher's
 * configuration and the GPU pod template, makes an executor pod that asks for one nvidia.com/gpu.
 */
class KubernetesSubmitTest {
  private static final String IMAGE = "registry.example.com/superres:0.1.0-SNAPSHOT-gpu";

  static {
    // Spark registers its configuration keys when these objects initialise.
    initialise("org.apache.spark.internal.config.package$");
    initialise("org.apache.spark.deploy.k8s.Config$");
  }

  private static void initialise(String scalaObject) {
    try {
      Class.forName(scalaObject).getField("MODULE$").get(null);
    } catch (ReflectiveOperationException e) {
      throw new AssertionError(scalaObject, e);
    }
  }

  /** Why Spark would not understand KEY, or null if it does. */
  static String problem(String key) {
    if (ConfigEntry.findEntry(key) != null) {
      return null;
    }
    Matcher r =
        Pattern.compile("spark\\.(driver|executor|task)\\.resource\\.([a-z0-9]+)\\.(\\w+)")
            .matcher(key);
    if (r.matches()) {
      Set<String> known =
          r.group(1).equals("task")
              ? Set.of(ResourceUtils.AMOUNT())
              : Set.of(
                  ResourceUtils.AMOUNT(), ResourceUtils.DISCOVERY_SCRIPT(), ResourceUtils.VENDOR());
      return known.contains(r.group(3)) ? null : "unknown resource setting '" + r.group(3) + "'";
    }
    for (String prefix :
        new String[] {"spark.executorEnv.", "spark.hadoop.", "spark.kubernetes.driverEnv."}) {
      if (key.startsWith(prefix) && key.length() > prefix.length()) {
        return null;
      }
    }
    for (String prefix : kubernetesPrefixes()) {
      if (key.startsWith(prefix) && key.length() > prefix.length()) {
        return null;
      }
    }
    return "not a configuration key of Spark " + org.apache.spark.package$.MODULE$.SPARK_VERSION();
  }

  /** The key prefixes of Spark on Kubernetes (labels, secrets, volumes...), from its Config. */
  static Set<String> kubernetesPrefixes() {
    Set<String> prefixes = new TreeSet<>();
    try {
      Object config =
          Class.forName("org.apache.spark.deploy.k8s.Config$").getField("MODULE$").get(null);
      for (Method m : config.getClass().getMethods()) {
        if (m.getName().endsWith("_PREFIX")
            && m.getParameterCount() == 0
            && m.getReturnType() == String.class) {
          prefixes.add((String) m.invoke(config));
        }
      }
    } catch (ReflectiveOperationException e) {
      throw new AssertionError(e);
    }
    return prefixes;
  }

  @Test
  void misspeltKeysAreCaught() {
    assertNull(problem("spark.kubernetes.executor.podTemplateFile"));
    assertNotNull(problem("spark.kubernetes.executor.podTemplatefile"));
    assertNull(problem("spark.executor.resource.gpu.discoveryScript"));
    assertNotNull(problem("spark.executor.resource.gpu.discoverScript"));
    assertNotNull(problem("spark.task.resource.gpu.vendor"));
    assertNull(problem("spark.kubernetes.driver.secretKeyRef.AWS_ACCESS_KEY_ID"));
    assertNotNull(problem("spark.kubernetes.driver.secretKeyRefs.AWS_ACCESS_KEY_ID"));
    assertNotNull(problem("spark.kubernetes.container.images"));
  }

  @Test
  void everyKeyTheLauncherPassesOrNamesIsOneSparkKnows() throws Exception {
    Map<String, String> conf = confs(gpuSubmission());
    assertTrue(conf.size() >= 9, conf.toString());
    Map<String, String> problems = new LinkedHashMap<>();
    for (String key : conf.keySet()) {
      String p = problem(key);
      if (p != null) problems.put(key, p);
    }
    // The keys --help tells users about, wildcards (".*") as prefixes.
    String help = run("submit/k8s/k8s-submit", "--help");
    Matcher m = Pattern.compile("spark\\.[A-Za-z0-9.]*[A-Za-z0-9](\\.\\*)?").matcher(help);
    int named = 0;
    while (m.find()) {
      String key = m.group().replace(".*", ".X");
      named++;
      String p = problem(key);
      if (p != null) problems.put(m.group() + " (--help)", p);
    }
    assertTrue(named >= 8, "keys named in --help: " + named);
    assertEquals(Map.of(), problems);
  }

  @Test
  void sparkSubmitTakesTheArgumentsAndBuildsAnExecutorPodWithOneGpu() throws Exception {
    List<String> argv = gpuSubmission();
    assertEquals("spark-submit", argv.get(0));
    SparkSubmitArguments args =
        new SparkSubmitArguments(
            JavaConverters.asScalaBuffer(argv.subList(1, argv.size())).toSeq(),
            scala.collection.immutable.Map$.MODULE$.<String, String>empty());
    Tuple4<scala.collection.Seq<String>, scala.collection.Seq<String>, SparkConf, String> env =
        new SparkSubmit().prepareSubmitEnvironment(args, Option.empty());
    assertEquals("org.apache.spark.deploy.k8s.submit.KubernetesClientApplication", env._4());
    SparkConf conf = env._3();
    assertEquals("k8s://https://k8s.example.com:443", conf.get("spark.master"));
    assertEquals("cluster", conf.get("spark.submit.deployMode"));
    assertEquals(IMAGE, conf.get("spark.kubernetes.container.image"));
    assertEquals(
        "local:///opt/superres/jars/superres-job-0.1.0-SNAPSHOT-gpu.jar",
        conf.get("spark.jars").split(",")[0]);

    // Spark reads the GPU settings as meant: one GPU per executor from nvidia.com, 0.25 per task.
    List<ResourceRequest> executor =
        JavaConverters.seqAsJavaList(
            ResourceUtils.parseAllResourceRequests(conf, "spark.executor"));
    assertEquals(1, executor.size(), executor.toString());
    assertEquals("gpu", executor.get(0).id().resourceName());
    assertEquals(1, executor.get(0).amount());
    assertEquals("nvidia.com", executor.get(0).vendor().get());
    assertEquals("/opt/superres/bin/getGpusResources.sh", executor.get(0).discoveryScript().get());
    List<ResourceRequirement> task =
        JavaConverters.seqAsJavaList(ResourceUtils.parseResourceRequirements(conf, "spark.task"));
    assertEquals(1, task.size());
    assertEquals(1, task.get(0).amount());
    assertEquals(4, task.get(0).numParts(), "0.25 GPU: four tasks share one");

    // The executor pod Spark makes from this configuration and the launcher's pod template.
    ResourceProfile profile = ResourceProfile$.MODULE$.getOrCreateDefaultProfile(conf);
    SparkPod pod;
    try (KubernetesClient client = new KubernetesClientBuilder().build()) {
      pod =
          new KubernetesExecutorBuilder()
              .buildFromFeatures(
                  new KubernetesExecutorConf(conf, "spark-app-1", "1", Option.<Pod>empty(), 0),
                  new SecurityManager(
                      conf,
                      Option.empty(),
                      org.apache.spark.internal.config.package$.MODULE$.AUTH_SECRET_FILE()),
                  client,
                  profile)
              .pod();
    } finally {
      ResourceProfile$.MODULE$.clearDefaultProfile();
    }
    Container c = pod.container();
    assertEquals("spark-kubernetes-executor", c.getName(), "the template's container is Spark's");
    assertEquals(IMAGE, c.getImage());
    assertEquals("1", c.getResources().getLimits().get("nvidia.com/gpu").getAmount());
    assertEquals(Map.of("nvidia.com/gpu.present", "true"), pod.pod().getSpec().getNodeSelector());
    List<String> tolerations = new ArrayList<>();
    for (Toleration t : pod.pod().getSpec().getTolerations()) {
      tolerations.add(t.getKey() + " " + t.getOperator() + " " + t.getEffect());
    }
    assertEquals(List.of("nvidia.com/gpu Exists NoSchedule"), tolerations);
    System.out.printf(
        "[k8s] executor pod from k8s-submit --gpu: image %s, limits %s, node selector %s%n",
        c.getImage(), c.getResources().getLimits(), pod.pod().getSpec().getNodeSelector());
  }

  /** The words of `k8s-submit --gpu --dry-run` with every option that adds a key. */
  static List<String> gpuSubmission() throws Exception {
    String line =
        run(
            "submit/k8s/k8s-submit",
            "--master",
            "k8s://https://k8s.example.com:443",
            "--namespace",
            "superres",
            "--service-account",
            "spark",
            "--image",
            IMAGE,
            "--executors",
            "2",
            "--gpu",
            "--dry-run",
            "--",
            "enhance",
            "--input",
            "s3a://b/in/",
            "--output",
            "s3a://b/out/");
    Process p =
        new ProcessBuilder("bash", "-c", "eval \"set -- $1\"; printf '%s\\0' \"$@\"", "_", line)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor());
    return new ArrayList<>(Arrays.asList(out.split("\0")));
  }

  static Map<String, String> confs(List<String> argv) {
    Map<String, String> conf = new LinkedHashMap<>();
    for (int i = 0; i + 1 < argv.size(); i++) {
      if (argv.get(i).equals("--conf")) {
        String kv = argv.get(i + 1);
        conf.put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
      }
    }
    return conf;
  }

  static String run(String... argv) throws Exception {
    String[] cmd = argv.clone();
    cmd[0] = Fixtures.repoRoot().resolve(argv[0]).toString();
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().remove("SPARK_HOME");
    pb.environment().remove("SPARK_SUBMIT");
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), err);
    return out.trim();
  }
}
