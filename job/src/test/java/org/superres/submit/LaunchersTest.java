package org.superres.submit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.resource.ResourceInformation;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launchers in submit/ and their templates: every script runs with --dry-run and the printed
 * command line is compared word for word; generated and shipped JSON is parsed with Jackson; the
 * pod template gets line checks; the GPU discovery script is run with fake GPUs, alone and as the
 * driver's discovery script of a local Spark.
 */
class LaunchersTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String MAIN = "org.superres.cli.Main";
  private static final String NODE_SCRIPT = "/opt/superres/bin/getGpusResources.sh";

  private static Path root;
  private static String cpuJar;
  private static String gpuJar;

  @BeforeAll
  static void findRepositoryRoot() {
    Path dir = Paths.get(System.getProperty("user.dir")).toAbsolutePath();
    while (dir != null && !Files.isDirectory(dir.resolve("submit"))) {
      dir = dir.getParent();
    }
    if (dir == null) {
      fail("no submit/ directory above " + System.getProperty("user.dir"));
    }
    root = dir;
    cpuJar = root + "/job/target/superres-job-0.1.0-SNAPSHOT-cpu.jar";
    gpuJar = root + "/job/target-gpu/superres-job-0.1.0-SNAPSHOT-gpu.jar";
  }

  // ---------------------------------------------------------------- spark-submit-job

  @Test
  void sparkSubmitJobCpuOnYarn() throws Exception {
    Result r =
        run(
            "submit/spark-submit-job",
            "--master",
            "yarn",
            "--deploy-mode",
            "cluster",
            "--dry-run",
            "--",
            "enhance",
            "--input",
            "s3a://b/in/",
            "--output",
            "s3a://b/out/");
    r.assertOk();
    assertEquals(
        line(
            "spark-submit --master yarn --deploy-mode cluster --name superres-enhance --class",
            MAIN,
            cpuJar,
            "enhance --input s3a://b/in/ --output s3a://b/out/"),
        r.out);
  }

  @Test
  void sparkSubmitJobGpuShipsTheDiscoveryScriptOnYarn() throws Exception {
    Result r =
        run(
            "submit/spark-submit-job",
            "--master",
            "yarn",
            "--deploy-mode",
            "cluster",
            "--gpu",
            "--conf",
            "spark.hadoop.fs.s3a.endpoint.region=eu-west-1",
            "--dry-run",
            "--",
            "enhance",
            "--input",
            "s3a://b/in/",
            "--output",
            "s3a://b/out/");
    r.assertOk();
    assertEquals(
        line(
            "spark-submit --master yarn --deploy-mode cluster --name superres-enhance --class",
            MAIN,
            "--files",
            root + "/submit/getGpusResources.sh",
            "--conf spark.executor.resource.gpu.amount=1",
            "--conf spark.executor.resource.gpu.discoveryScript=./getGpusResources.sh",
            "--conf spark.task.resource.gpu.amount=0.25",
            "--conf spark.hadoop.fs.s3a.endpoint.region=eu-west-1",
            gpuJar,
            "enhance --input s3a://b/in/ --output s3a://b/out/"),
        r.out);
  }

  @Test
  void sparkSubmitJobTasksPerGpuAndExplicitDiscoveryScript() throws Exception {
    Result r =
        run(
            "submit/spark-submit-job",
            "--master",
            "spark://m:7077",
            "--gpu",
            "--tasks-per-gpu",
            "8",
            "--discovery-script",
            "/opt/x/disc.sh",
            "--jar",
            "hdfs:///jars/j.jar",
            "--dry-run",
            "--",
            "bench");
    r.assertOk();
    assertEquals(
        line(
            "spark-submit --master spark://m:7077 --name superres-bench --class",
            MAIN,
            "--conf spark.executor.resource.gpu.amount=1",
            "--conf spark.executor.resource.gpu.discoveryScript=/opt/x/disc.sh",
            "--conf spark.task.resource.gpu.amount=0.125",
            "hdfs:///jars/j.jar bench"),
        r.out);

    Result third =
        run(
            "submit/spark-submit-job",
            "--master",
            "yarn",
            "--gpu",
            "--tasks-per-gpu",
            "3",
            "--dry-run",
            "--",
            "bench");
    third.assertOk();
    assertTrue(third.out.contains(" --conf spark.task.resource.gpu.amount=0.333333 "), third.out);
  }

  @Test
  void sparkSubmitJobLocalGpuIsADriverResourceWithoutTaskAmounts() throws Exception {
    Result r =
        run(
            "submit/spark-submit-job",
            "--master",
            "local[2]",
            "--gpu",
            "--dry-run",
            "--",
            "enhance",
            "--input",
            "file:///data/in/",
            "--output",
            "file:///data/out/");
    r.assertOk();
    assertEquals(
        line(
            "spark-submit --master 'local[2]' --name superres-enhance --class",
            MAIN,
            "--conf spark.driver.resource.gpu.amount=1",
            "--conf spark.driver.resource.gpu.discoveryScript="
                + root
                + "/submit/getGpusResources.sh",
            gpuJar,
            "enhance --input file:///data/in/ --output file:///data/out/"),
        r.out);
    assertFalse(r.out.contains("spark.task.resource.gpu"), r.out);
  }

  @Test
  void sparkSubmitJobS3aPackagesJavaHomeNameAndQuoting() throws Exception {
    Map<String, String> env = new HashMap<>();
    env.put("SPARK_HOME", "/opt/spark");
    Result r =
        runEnv(
            env,
            "submit/spark-submit-job",
            "--master",
            "yarn",
            "--with-s3a",
            "--java-home",
            "/usr/lib/jvm/java-17",
            "--name",
            "nightly run",
            "--conf",
            "spark.hadoop.fs.s3a.path.style.access=true",
            "--dry-run",
            "--",
            "enhance",
            "--input",
            "s3a://b/in dir/",
            "--set",
            "output.format=png");
    r.assertOk();
    assertEquals(
        line(
            "/opt/spark/bin/spark-submit --master yarn --name 'nightly run' --class",
            MAIN,
            "--packages org.apache.hadoop:hadoop-aws:3.3.4",
            "--conf spark.executorEnv.JAVA_HOME=/usr/lib/jvm/java-17",
            "--conf spark.yarn.appMasterEnv.JAVA_HOME=/usr/lib/jvm/java-17",
            "--conf spark.hadoop.fs.s3a.path.style.access=true",
            cpuJar,
            "enhance --input 's3a://b/in dir/' --set output.format=png"),
        r.out);

    env.put("SPARK_SUBMIT", "/custom/spark-submit");
    Result custom = runEnv(env, "submit/spark-submit-job", "--dry-run", "--", "models", "list");
    custom.assertOk();
    assertEquals(
        line("/custom/spark-submit --name superres-models --class", MAIN, cpuJar, "models list"),
        custom.out);
  }

  /**
   * A driver that a standalone Worker starts gets only spark.driver.extraJavaOptions, so the
   * wrapper puts Spark's own JDK 17 module options there, before the user's.
   */
  @Test
  void sparkSubmitJobGivesAStandaloneClusterDriverSparksModuleOptions() throws Exception {
    String options = org.apache.spark.launcher.JavaModuleOptions.defaultModuleOptions();
    Result r =
        run(
            "submit/spark-submit-job",
            "--master",
            "spark://m:7077",
            "--deploy-mode",
            "cluster",
            "--conf",
            "spark.driver.extraJavaOptions=-Dmine=1",
            "--conf",
            "spark.executor.memory=1g",
            "--dry-run",
            "--",
            "models",
            "list");
    r.assertOk();
    assertEquals(
        line(
            "spark-submit --master spark://m:7077 --deploy-mode cluster --name superres-models --class",
            MAIN,
            "--conf 'spark.driver.extraJavaOptions=" + options + " -Dmine=1'",
            "--conf spark.executor.memory=1g",
            cpuJar,
            "models list"),
        r.out);
    for (String clientMode : new String[] {"client", ""}) {
      List<String> argv =
          new ArrayList<>(Arrays.asList("submit/spark-submit-job", "--master", "spark://m:7077"));
      if (!clientMode.isEmpty()) argv.addAll(Arrays.asList("--deploy-mode", clientMode));
      argv.addAll(Arrays.asList("--dry-run", "--", "models", "list"));
      Result client = run(argv.toArray(new String[0]));
      client.assertOk();
      assertFalse(client.out.contains("extraJavaOptions"), "the launcher adds them itself");
    }
  }

  @Test
  void dryRunLinesAreCopyableShellAndJsonKeepEveryCharacter() throws Exception {
    List<String> job =
        Arrays.asList(
            "enhance",
            "--input",
            "s3a://b/it's here/",
            "--set",
            "a=\"q\" \\ $HOME *",
            "--set",
            "tab=x\ty",
            "--output",
            "s3a://b/out/");
    List<String> cmd =
        new ArrayList<>(
            Arrays.asList("submit/spark-submit-job", "--jar", "/j.jar", "--dry-run", "--"));
    cmd.addAll(job);
    Result r = run(cmd.toArray(new String[0]));
    r.assertOk();
    // bash reads the printed line back into exactly the words the wrapper would run.
    Result parsed =
        run("/bin/bash", "-c", "eval \"set -- $1\"; printf '%s\\n--\\n' \"$@\"", "_", r.out);
    parsed.assertOk();
    List<String> expected =
        new ArrayList<>(
            Arrays.asList("spark-submit", "--name", "superres-enhance", "--class", MAIN, "/j.jar"));
    expected.addAll(job);
    assertEquals(String.join("\n--\n", expected) + "\n--", parsed.out);

    List<String> emr =
        new ArrayList<>(Arrays.asList("submit/emr/emr-step", "--jar", "s3://b/j.jar", "--"));
    emr.addAll(job);
    Result step = run(emr.toArray(new String[0]));
    step.assertOk();
    List<String> args = strings(JSON.readTree(step.out).get(0).get("Args"));
    assertEquals(job, args.subList(args.size() - job.size(), args.size()));
  }

  @Test
  void sparkSubmitJobBadUsageExitsTwoWithOneLine() throws Exception {
    assertUsageError(run("submit/spark-submit-job", "--dry-run"), "no job command");
    assertUsageError(
        run("submit/spark-submit-job", "--conf", "novalue", "--dry-run", "--", "x"), "KEY=VALUE");
    assertUsageError(
        run("submit/spark-submit-job", "--bogus", "--", "x"), "unknown option '--bogus'");
    assertUsageError(
        run("submit/spark-submit-job", "--deploy-mode", "both", "--dry-run", "--", "x"),
        "client or cluster");
    assertUsageError(
        run("submit/spark-submit-job", "--gpu", "--tasks-per-gpu", "0", "--dry-run", "--", "x"),
        "--tasks-per-gpu");
    assertUsageError(run("submit/spark-submit-job", "--master"), "needs a value");
    // Not a dry run, and the jar is not where the default says: say how to build it.
    assertUsageError(
        run("submit/spark-submit-job", "--jar", root + "/job/target/no-such.jar", "--", "x"),
        "not found");
  }

  // ---------------------------------------------------------------- EMR

  @Test
  void emrStepIsASparkStepWithTheJarOnS3() throws Exception {
    Result r =
        run(
            "submit/emr/emr-step",
            "--jar",
            "s3://bkt/superres/superres-job-0.1.0-SNAPSHOT-gpu.jar",
            "--gpu",
            "--conf",
            "spark.executor.memory=12g",
            "--",
            "enhance",
            "--input",
            "s3://bkt/in/",
            "--output",
            "s3://bkt/out dir/");
    r.assertOk();
    JsonNode steps = JSON.readTree(r.out);
    assertTrue(steps.isArray());
    assertEquals(1, steps.size());
    JsonNode step = steps.get(0);
    assertEquals("Spark", step.get("Type").asText());
    assertEquals("superres-enhance", step.get("Name").asText());
    assertEquals("CONTINUE", step.get("ActionOnFailure").asText());
    assertEquals(
        Arrays.asList(
            "--deploy-mode",
            "cluster",
            "--name",
            "superres-enhance",
            "--class",
            MAIN,
            "--conf",
            "spark.executor.resource.gpu.amount=1",
            "--conf",
            "spark.executor.resource.gpu.discoveryScript=" + NODE_SCRIPT,
            "--conf",
            "spark.task.resource.gpu.amount=0.25",
            "--conf",
            "spark.executor.memory=12g",
            "s3://bkt/superres/superres-job-0.1.0-SNAPSHOT-gpu.jar",
            "enhance",
            "--input",
            "s3://bkt/in/",
            "--output",
            "s3://bkt/out dir/"),
        strings(step.get("Args")));
    assertEquals(Set.of("Type", "Name", "ActionOnFailure", "Args"), fieldNames(step));
  }

  @Test
  void emrStepApiFormRunsSparkSubmitThroughCommandRunner() throws Exception {
    Result r =
        run(
            "submit/emr/emr-step",
            "--jar",
            "s3://bkt/j.jar",
            "--format",
            "api",
            "--action-on-failure",
            "CANCEL_AND_WAIT",
            "--deploy-mode",
            "client",
            "--",
            "models",
            "list");
    r.assertOk();
    JsonNode step = JSON.readTree(r.out).get(0);
    assertEquals("superres-models", step.get("Name").asText());
    assertEquals("CANCEL_AND_WAIT", step.get("ActionOnFailure").asText());
    assertEquals("command-runner.jar", step.at("/HadoopJarStep/Jar").asText());
    assertEquals(
        Arrays.asList(
            "spark-submit",
            "--deploy-mode",
            "client",
            "--name",
            "superres-models",
            "--class",
            MAIN,
            "s3://bkt/j.jar",
            "models",
            "list"),
        strings(step.at("/HadoopJarStep/Args")));
  }

  @Test
  void emrStepDryRunPrintsAwsEmrAddSteps() throws Exception {
    String[] job = {"--", "enhance", "--input", "s3://bkt/in/", "--output", "s3://bkt/out/"};
    Result printed =
        run(concat(new String[] {"submit/emr/emr-step", "--jar", "s3://bkt/j.jar", "--gpu"}, job));
    Result r =
        run(
            concat(
                new String[] {
                  "submit/emr/emr-step",
                  "--jar",
                  "s3://bkt/j.jar",
                  "--gpu",
                  "--cluster-id",
                  "j-2AXXXXXXGAPLF",
                  "--dry-run"
                },
                job));
    r.assertOk();
    String prefix = "aws emr add-steps --cluster-id j-2AXXXXXXGAPLF --steps '";
    assertTrue(r.out.startsWith(prefix) && r.out.endsWith("'"), r.out);
    String inline = r.out.substring(prefix.length(), r.out.length() - 1);
    assertFalse(inline.contains("\n"));
    assertEquals(JSON.readTree(printed.out), JSON.readTree(inline));
  }

  @Test
  void emrStepBadUsage() throws Exception {
    assertUsageError(run("submit/emr/emr-step", "--", "enhance"), "--jar");
    assertUsageError(
        run("submit/emr/emr-step", "--jar", "gs://b/j.jar", "--", "enhance"), "S3 URI");
    assertUsageError(
        run(
            "submit/emr/emr-step",
            "--jar",
            "s3://b/j.jar",
            "--action-on-failure",
            "RETRY",
            "--",
            "enhance"),
        "--action-on-failure");
    assertUsageError(run("submit/emr/emr-step", "--jar", "s3://b/j.jar"), "no job command");
    assertUsageError(
        run(
            "submit/emr/emr-step",
            "--jar",
            "s3://b/j.jar",
            "--format",
            "api",
            "--cluster-id",
            "j-1",
            "--",
            "x"),
        "--format api");
  }

  @Test
  void emrGpuClusterConfigurationSchedulesGpusOnYarn() throws Exception {
    JsonNode config = JSON.readTree(root.resolve("submit/emr/gpu-cluster-config.json").toFile());
    assertTrue(config.isArray());
    Map<String, JsonNode> byName = new HashMap<>();
    for (JsonNode c : config) {
      assertTrue(
          Set.of("Classification", "Properties", "Configurations").containsAll(fieldNames(c)),
          "unexpected fields in " + c);
      assertTextValues(c);
      byName.put(c.get("Classification").asText(), c);
    }
    assertEquals(
        Set.of("yarn-site", "container-executor", "capacity-scheduler", "spark", "spark-defaults"),
        byName.keySet());

    JsonNode yarn = byName.get("yarn-site").get("Properties");
    assertEquals("yarn.io/gpu", yarn.get("yarn.resource-types").asText());
    assertEquals("yarn.io/gpu", yarn.get("yarn.nodemanager.resource-plugins").asText());
    assertEquals(
        "auto", yarn.get("yarn.nodemanager.resource-plugins.gpu.allowed-gpu-devices").asText());
    assertEquals(
        "/usr/bin",
        yarn.get("yarn.nodemanager.resource-plugins.gpu.path-to-discovery-executables").asText());
    assertEquals(
        "org.apache.hadoop.yarn.server.nodemanager.LinuxContainerExecutor",
        yarn.get("yarn.nodemanager.container-executor.class").asText());
    assertEquals(
        "true", yarn.get("yarn.nodemanager.linux-container-executor.cgroups.mount").asText());
    String mountPath =
        yarn.get("yarn.nodemanager.linux-container-executor.cgroups.mount-path").asText();
    String hierarchy =
        yarn.get("yarn.nodemanager.linux-container-executor.cgroups.hierarchy").asText();

    Map<String, JsonNode> executor = new HashMap<>();
    for (JsonNode c : byName.get("container-executor").get("Configurations")) {
      executor.put(c.get("Classification").asText(), c.get("Properties"));
    }
    assertEquals("true", executor.get("gpu").get("module.enabled").asText());
    assertEquals(mountPath, executor.get("cgroups").get("root").asText());
    assertEquals(hierarchy, executor.get("cgroups").get("yarn-hierarchy").asText());

    assertEquals(
        "org.apache.hadoop.yarn.util.resource.DominantResourceCalculator",
        byName
            .get("capacity-scheduler")
            .at("/Properties/yarn.scheduler.capacity.resource-calculator")
            .asText());

    JsonNode spark = byName.get("spark-defaults").get("Properties");
    assertEquals("1", spark.get("spark.executor.resource.gpu.amount").asText());
    assertEquals("0.25", spark.get("spark.task.resource.gpu.amount").asText());
    assertEquals(NODE_SCRIPT, spark.get("spark.executor.resource.gpu.discoveryScript").asText());
    assertTrue(spark.has("spark.executor.cores"));
    assertEquals("true", spark.get("spark.sql.adaptive.enabled").asText());

    // The bootstrap action mounts the cgroup hierarchy the configuration names and installs the
    // discovery script where spark-defaults looks for it.
    Result boot =
        run("submit/emr/bootstrap-gpu.sh", "--dry-run", "s3://bkt/superres/getGpusResources.sh");
    boot.assertOk();
    assertEquals(
        String.join(
            "\n",
            "sudo mkdir -p " + mountPath + "/devices",
            "sudo mount -t cgroup -o devices cgroupv1-devices " + mountPath + "/devices",
            "sudo chmod a+rwx -R " + mountPath,
            "sudo mkdir -p /opt/superres/bin",
            "aws s3 cp s3://bkt/superres/getGpusResources.sh /tmp/superres-getGpusResources.sh",
            "sudo install -m 0755 /tmp/superres-getGpusResources.sh " + NODE_SCRIPT),
        boot.out);
    assertUsageError(run("submit/emr/bootstrap-gpu.sh", "--dry-run"), "S3 URI");
  }

  // ---------------------------------------------------------------- Dataproc

  @Test
  void dataprocSubmitWithGpuProperties() throws Exception {
    Result r =
        run(
            "submit/dataproc/dataproc-submit",
            "--cluster",
            "superres-gpu",
            "--region",
            "europe-west4",
            "--jar",
            "gs://bkt/superres-job-0.1.0-SNAPSHOT-gpu.jar",
            "--gpu",
            "--properties",
            "spark.executor.memory=12g",
            "--dry-run",
            "--",
            "enhance",
            "--input",
            "gs://bkt/in/",
            "--output",
            "gs://bkt/out/");
    r.assertOk();
    assertEquals(
        line(
            "gcloud dataproc jobs submit spark --cluster=superres-gpu --region=europe-west4",
            "--class=" + MAIN,
            "--jars=gs://bkt/superres-job-0.1.0-SNAPSHOT-gpu.jar",
            "--properties=spark.executor.resource.gpu.amount=1,"
                + "spark.executor.resource.gpu.discoveryScript=/usr/lib/spark/scripts/gpu/getGpusResources.sh,"
                + "spark.task.resource.gpu.amount=0.25,spark.executor.memory=12g",
            "-- enhance --input gs://bkt/in/ --output gs://bkt/out/"),
        r.out);
  }

  @Test
  void dataprocSubmitUsesAnAlternateDelimiterForCommas() throws Exception {
    Result r =
        run(
            "submit/dataproc/dataproc-submit",
            "--cluster",
            "c",
            "--region",
            "us-central1",
            "--project",
            "p1",
            "--jar",
            "gs://bkt/j.jar",
            "--conf",
            "spark.hadoop.fs.s3a.aws.credentials.provider=a.B,c.D",
            "--conf",
            "spark.executor.cores=4",
            "--dry-run",
            "--",
            "models",
            "list");
    r.assertOk();
    assertEquals(
        line(
            "gcloud dataproc jobs submit spark --cluster=c --region=us-central1 --project=p1",
            "--class=" + MAIN,
            "--jars=gs://bkt/j.jar",
            "'--properties=^#^spark.hadoop.fs.s3a.aws.credentials.provider=a.B,c.D#spark.executor.cores=4'",
            "-- models list"),
        r.out);

    Result plain =
        run(
            "submit/dataproc/dataproc-submit",
            "--cluster",
            "c",
            "--region",
            "r",
            "--jar",
            "gs://bkt/j.jar",
            "--dry-run",
            "--",
            "models",
            "list");
    plain.assertOk();
    assertEquals(
        line(
            "gcloud dataproc jobs submit spark --cluster=c --region=r",
            "--class=" + MAIN,
            "--jars=gs://bkt/j.jar -- models list"),
        plain.out);
  }

  @Test
  void dataprocSubmitBadUsage() throws Exception {
    assertUsageError(
        run("submit/dataproc/dataproc-submit", "--region", "r", "--jar", "gs://b/j.jar", "--", "x"),
        "--cluster");
    assertUsageError(
        run(
            "submit/dataproc/dataproc-submit",
            "--cluster",
            "c",
            "--jar",
            "gs://b/j.jar",
            "--",
            "x"),
        "--region");
    assertUsageError(
        run(
            "submit/dataproc/dataproc-submit",
            "--cluster",
            "c",
            "--region",
            "r",
            "--jar",
            "s3://b/j.jar",
            "--",
            "x"),
        "gs://");
  }

  // ---------------------------------------------------------------- Kubernetes

  @Test
  void k8sSubmitGpuExecutors() throws Exception {
    Result r =
        run(
            "submit/k8s/k8s-submit",
            "--master",
            "k8s://https://k8s.example.com:443",
            "--namespace",
            "superres",
            "--service-account",
            "spark",
            "--image",
            "registry.example.com/superres:0.1.0-gpu",
            "--executors",
            "2",
            "--gpu",
            "--conf",
            "spark.kubernetes.executor.request.cores=3",
            "--dry-run",
            "--",
            "enhance",
            "--input",
            "s3a://b/in/",
            "--output",
            "s3a://b/out/");
    r.assertOk();
    assertEquals(
        line(
            "spark-submit --master k8s://https://k8s.example.com:443 --deploy-mode cluster",
            "--name superres-enhance --class",
            MAIN,
            "--conf spark.kubernetes.container.image=registry.example.com/superres:0.1.0-gpu",
            "--conf spark.kubernetes.namespace=superres",
            "--conf spark.kubernetes.authenticate.driver.serviceAccountName=spark",
            "--conf spark.executor.instances=2",
            "--conf spark.kubernetes.executor.podTemplateFile="
                + root
                + "/submit/k8s/gpu-executor-pod-template.yaml",
            "--conf spark.executor.resource.gpu.amount=1",
            "--conf spark.executor.resource.gpu.vendor=nvidia.com",
            "--conf spark.executor.resource.gpu.discoveryScript=" + NODE_SCRIPT,
            "--conf spark.task.resource.gpu.amount=0.25",
            "--conf spark.kubernetes.executor.request.cores=3",
            "local:///opt/superres/jars/superres-job-0.1.0-SNAPSHOT-gpu.jar",
            "enhance --input s3a://b/in/ --output s3a://b/out/"),
        r.out);
  }

  @Test
  void k8sSubmitCpuAndBadUsage() throws Exception {
    Result r =
        run(
            "submit/k8s/k8s-submit",
            "--master",
            "k8s://https://10.0.0.1:6443",
            "--image",
            "superres:cpu",
            "--dry-run",
            "--",
            "models",
            "verify");
    r.assertOk();
    assertEquals(
        line(
            "spark-submit --master k8s://https://10.0.0.1:6443 --deploy-mode cluster",
            "--name superres-models --class",
            MAIN,
            "--conf spark.kubernetes.container.image=superres:cpu",
            "local:///opt/superres/jars/superres-job-0.1.0-SNAPSHOT-cpu.jar models verify"),
        r.out);
    assertUsageError(
        run("submit/k8s/k8s-submit", "--master", "yarn", "--image", "i", "--", "x"), "k8s://");
    assertUsageError(
        run("submit/k8s/k8s-submit", "--master", "k8s://https://h:443", "--", "x"), "--image");
    assertUsageError(
        run(
            "submit/k8s/k8s-submit",
            "--master",
            "k8s://https://h:443",
            "--image",
            "i",
            "--pod-template",
            "/no/such.yaml",
            "--",
            "x"),
        "not found");
  }

  @Test
  void gpuExecutorPodTemplateAsksForOneNvidiaGpu() throws Exception {
    List<String> lines =
        Files.readAllLines(root.resolve("submit/k8s/gpu-executor-pod-template.yaml"));
    List<String> yaml = new ArrayList<>();
    for (String l : lines) {
      assertFalse(l.contains("\t"), "tab in YAML: " + l);
      assertFalse(l.endsWith(" "), "trailing space in YAML: " + l);
      if (!l.isBlank() && !l.strip().startsWith("#")) {
        yaml.add(l);
      }
    }
    assertTrue(yaml.contains("apiVersion: v1"));
    assertTrue(yaml.contains("kind: Pod"));
    assertInOrder(
        yaml,
        "spec:",
        "  nodeSelector:",
        "  tolerations:",
        "    - key: nvidia.com/gpu",
        "      operator: Exists",
        "      effect: NoSchedule",
        "  containers:",
        "    - name: spark-kubernetes-executor",
        "      resources:",
        "        limits:",
        "          nvidia.com/gpu: 1");
    // Indentation: multiples of two spaces only.
    for (String l : yaml) {
      int indent = l.length() - l.stripLeading().length();
      assertEquals(0, indent % 2, "odd indentation: " + l);
    }
  }

  // ---------------------------------------------------------------- discovery script

  @Test
  void discoveryScriptReportsFakeGpus() throws Exception {
    Map<String, String> env = new HashMap<>();
    env.put("SUPERRES_FAKE_GPUS", "0, 1");
    Result r = runEnv(env, "submit/getGpusResources.sh");
    r.assertOk();
    JsonNode gpu = JSON.readTree(r.out);
    assertEquals("gpu", gpu.get("name").asText());
    assertEquals(Arrays.asList("0", "1"), strings(gpu.get("addresses")));
    assertEquals(Set.of("name", "addresses"), fieldNames(gpu));

    env.put("SUPERRES_FAKE_GPUS", "");
    Result none = runEnv(env, "submit/getGpusResources.sh");
    none.assertOk();
    assertEquals(Collections.emptyList(), strings(JSON.readTree(none.out).get("addresses")));
  }

  @Test
  void discoveryScriptReadsNvidiaSmi(@TempDir Path tmp) throws Exception {
    Path smi = tmp.resolve("nvidia-smi");
    Files.write(
        smi,
        ("#!/bin/sh\n"
                + "[ \"$*\" = \"--query-gpu=index --format=csv,noheader\" ] || exit 9\n"
                + "printf '0\\n1\\n2\\n'\n")
            .getBytes(StandardCharsets.UTF_8));
    assertTrue(smi.toFile().setExecutable(true));
    Map<String, String> env = new HashMap<>();
    env.put("NVIDIA_SMI", smi.toString());
    Result r = runEnv(env, "submit/getGpusResources.sh");
    r.assertOk();
    assertEquals(Arrays.asList("0", "1", "2"), strings(JSON.readTree(r.out).get("addresses")));

    env.put("NVIDIA_SMI", tmp.resolve("missing-nvidia-smi").toString());
    Result missing = runEnv(env, "submit/getGpusResources.sh");
    assertEquals(1, missing.exit, missing.toString());
    assertEquals("", missing.out);
    assertTrue(missing.err.contains("not found"), missing.err);
  }

  /**
   * What `spark-submit-job --master local[N] --gpu` relies on: a local Spark takes the fake GPUs.
   */
  @Test
  void localSparkTakesFakeGpusFromTheDiscoveryScript(@TempDir Path tmp) throws Exception {
    // Spark runs the script with the driver's environment, so a wrapper sets the fake addresses.
    Path script = tmp.resolve("fake-gpus.sh");
    Files.write(
        script,
        ("#!/bin/sh\nSUPERRES_FAKE_GPUS=0,1 exec '"
                + root.resolve("submit/getGpusResources.sh")
                + "'\n")
            .getBytes(StandardCharsets.UTF_8));
    assertTrue(script.toFile().setExecutable(true));
    SparkConf conf =
        new SparkConf()
            .setMaster("local[1]")
            .setAppName("launchers-test-fake-gpus")
            .set("spark.ui.enabled", "false")
            .set("spark.driver.resource.gpu.amount", "2")
            .set("spark.driver.resource.gpu.discoveryScript", script.toString());
    try (JavaSparkContext jsc = new JavaSparkContext(conf)) {
      ResourceInformation gpu = jsc.sc().resources().get("gpu").get();
      assertEquals(Arrays.asList("0", "1"), Arrays.asList(gpu.addresses()));
      assertEquals(3L, jsc.parallelize(Arrays.asList(1, 2, 3), 1).count());
    }
  }

  // ---------------------------------------------------------------- all scripts

  @Test
  void everyScriptHasHelpAndIsExecutable() throws Exception {
    String[] scripts = {
      "submit/spark-submit-job",
      "submit/emr/emr-step",
      "submit/emr/bootstrap-gpu.sh",
      "submit/dataproc/dataproc-submit",
      "submit/k8s/k8s-submit",
      "submit/getGpusResources.sh",
      ".ci/s3proxy.sh"
    };
    for (String s : scripts) {
      assertTrue(Files.isExecutable(root.resolve(s)), s + " is not executable");
      List<String> text = Files.readAllLines(root.resolve(s));
      assertEquals("#!/usr/bin/env bash", text.get(0), s);
      assertTrue(text.contains("set -euo pipefail"), s + " lacks set -euo pipefail");
      Result r = run(s, "--help");
      r.assertOk();
      assertTrue(r.out.length() > 200, s + " --help says too little: " + r.out);
      assertFalse(r.out.contains("set -euo pipefail"), s + " --help prints code");
    }
  }

  // ---------------------------------------------------------------- helpers

  private static final class Result {
    final int exit;
    final String out;
    final String err;

    Result(int exit, String out, String err) {
      this.exit = exit;
      this.out = out;
      this.err = err;
    }

    void assertOk() {
      assertEquals(0, exit, toString());
      assertEquals("", err, toString());
    }

    @Override
    public String toString() {
      return "exit " + exit + "\n--- stdout\n" + out + "\n--- stderr\n" + err;
    }
  }

  private static Result run(String... command) throws IOException, InterruptedException {
    return runEnv(Collections.emptyMap(), command);
  }

  /** Runs a script from the repository root with a clean, predictable environment. */
  private static Result runEnv(Map<String, String> extraEnv, String... command)
      throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(Arrays.asList(command));
    if (!command[0].startsWith("/")) {
      cmd.set(0, root.resolve(command[0]).toString());
    }
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(root.toFile());
    Map<String, String> env = pb.environment();
    for (String k :
        Arrays.asList(
            "SPARK_HOME",
            "SPARK_SUBMIT",
            "SUPERRES_FAKE_GPUS",
            "NVIDIA_SMI",
            "AWS_CLI",
            "GCLOUD",
            "SUPERRES_CGROUP_MODE")) {
      env.remove(k);
    }
    env.putAll(extraEnv);
    Path out = Files.createTempFile("launcher", ".out");
    Path err = Files.createTempFile("launcher", ".err");
    try {
      pb.redirectOutput(out.toFile())
          .redirectError(err.toFile())
          .redirectInput(ProcessBuilder.Redirect.PIPE);
      Process p = pb.start();
      p.getOutputStream().close();
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        fail("timed out: " + cmd);
      }
      return new Result(p.exitValue(), strip(Files.readString(out)), strip(Files.readString(err)));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }

  private static String strip(String s) {
    return s.endsWith("\n") ? s.substring(0, s.length() - 1) : s;
  }

  private static String line(String... parts) {
    return String.join(" ", parts);
  }

  private static String[] concat(String[] a, String[] b) {
    String[] all = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    return all;
  }

  private static void assertUsageError(Result r, String mention) {
    assertEquals(2, r.exit, r.toString());
    assertEquals("", r.out, r.toString());
    assertEquals(1, r.err.split("\n").length, "one line expected: " + r);
    assertTrue(r.err.contains(mention), "stderr should mention '" + mention + "': " + r);
  }

  private static List<String> strings(JsonNode array) {
    assertTrue(array != null && array.isArray(), "not an array: " + array);
    List<String> out = new ArrayList<>();
    for (JsonNode n : array) {
      assertTrue(n.isTextual(), "not a string: " + n);
      out.add(n.asText());
    }
    return out;
  }

  private static Set<String> fieldNames(JsonNode node) {
    Set<String> names = new HashSet<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }

  /** EMR wants every property value as a JSON string. */
  private static void assertTextValues(JsonNode classification) {
    JsonNode props = classification.get("Properties");
    assertTrue(props != null && props.isObject(), "Properties missing in " + classification);
    props
        .fields()
        .forEachRemaining(
            e -> assertTrue(e.getValue().isTextual(), e.getKey() + " is not a string"));
    JsonNode nested = classification.get("Configurations");
    if (nested != null) {
      for (JsonNode c : nested) {
        assertTextValues(c);
      }
    }
  }

  private static void assertInOrder(List<String> lines, String... expected) {
    int at = 0;
    for (String e : expected) {
      int found = lines.subList(at, lines.size()).indexOf(e);
      assertTrue(found >= 0, "missing (in order) '" + e + "' in " + lines);
      at += found + 1;
    }
  }
}
