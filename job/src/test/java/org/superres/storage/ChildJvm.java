package org.superres.storage;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Runs superres in its own JVM, as submit/superres does, capturing everything it prints: what a
 * user sees, and what the credential tests search for secrets.
 */
final class ChildJvm {
  final int exitCode;
  final String output;

  private ChildJvm(int exitCode, String output) {
    this.exitCode = exitCode;
    this.output = output;
  }

  /**
   * A log4j2 configuration for the child: everything at LEVEL and above to stderr, one line each.
   */
  static Path log4jConfig(Path dir, String level) throws IOException {
    Path file = dir.resolve("log4j2-" + level + ".properties");
    java.nio.file.Files.writeString(
        file,
        String.join(
            "\n",
            "rootLogger.level = " + level,
            "rootLogger.appenderRef.stderr.ref = console",
            "appender.console.type = Console",
            "appender.console.name = console",
            "appender.console.target = SYSTEM_ERR",
            "appender.console.layout.type = PatternLayout",
            "appender.console.layout.pattern = %-5p %c{1}: %m%n",
            ""));
    return file;
  }

  static ChildJvm run(Path log4jConfig, List<String> args)
      throws IOException, InterruptedException {
    return run(log4jConfig, args, java.util.Map.of());
  }

  /**
   * @param env added to this JVM's environment (HADOOP_USER_NAME, for example)
   */
  static ChildJvm run(Path log4jConfig, List<String> args, java.util.Map<String, String> env)
      throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx2g");
    // The module options this JVM got from surefire (Spark on JDK 17 needs them).
    for (String arg :
        java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (arg.startsWith("--add-opens")
          || arg.startsWith("-XX:+IgnoreUnrecognizedVMOptions")
          || arg.startsWith("-Djdk.reflect")) {
        cmd.add(arg);
      }
    }
    cmd.add("-Dlog4j2.configurationFile=" + log4jConfig);
    String cp =
        ExecutorSparkHome.classesDir()
            + File.pathSeparator
            + ExecutorSparkHome.runtimeJars().stream()
                .map(Path::toString)
                .collect(Collectors.joining(File.pathSeparator));
    cmd.add("-cp");
    cmd.add(cp);
    cmd.add("org.superres.cli.Main");
    cmd.addAll(args);
    ProcessBuilder builder = new ProcessBuilder(cmd).redirectErrorStream(true);
    builder.environment().putAll(env);
    Process p = builder.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(10, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new IOException("superres did not finish in 10 minutes:\n" + out);
    }
    return new ChildJvm(p.exitValue(), out);
  }
}
