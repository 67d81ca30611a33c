package org.superres.bench;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.superres.config.ConfigError;
import org.superres.config.ConfigLoader;
import org.superres.config.JobSettings;
import org.superres.engine.ModelKind;
import org.superres.engine.ModelSpec;
import org.superres.model.ModelCatalog;
import org.superres.model.ModelResolver;
import org.superres.model.ResolvedModel;

/**
 * A model the bench measures: a catalog name, a .pb path whose name tells kind and scale
 * (FSRCNN_x3.pb), or LABEL=PATH where the label tells them (edsr-x3=/runs/b8f32-x3/latest.pb).
 */
final class BenchModel {
  private static final Pattern SCALE = Pattern.compile("(?i)[_-]x(\\d)(?:\\D|$)");

  final String label;
  final ModelSpec spec;
  final Path file;

  private BenchModel(String label, ModelSpec spec, Path file) {
    this.label = label;
    this.spec = spec;
    this.file = file;
  }

  static BenchModel resolve(String entry) throws java.io.IOException {
    int eq = entry.indexOf('=');
    if (eq > 0) {
      String label = entry.substring(0, eq);
      Path file = Paths.get(entry.substring(eq + 1)).toAbsolutePath();
      ModelKind kind = ModelKind.fromFileName(label);
      Matcher m = SCALE.matcher(label);
      if (kind == null || !m.find()) {
        throw new ConfigError(
            "bench model '" + entry + "': the label must name kind and scale, e.g. edsr-x3=PATH");
      }
      return new BenchModel(
          label,
          new ModelSpec(label, kind, Integer.parseInt(m.group(1)), ModelSpec.sha256Of(file)),
          file);
    }
    Configuration hadoop = new Configuration();
    ModelResolver resolver = new ModelResolver(hadoop, ModelCatalog.load());
    ResolvedModel r;
    if (entry.endsWith(".pb") || entry.contains("/")) {
      r = resolver.fromUri(Paths.get(entry).toAbsolutePath().toUri().toString(), null, 0);
    } else {
      r =
          resolver.resolve(
              JobSettings.from(
                  ConfigLoader.load(
                      null, java.util.Collections.singletonList("model.name=" + entry))));
    }
    return new BenchModel(r.spec.name(), r.spec, Paths.get(java.net.URI.create(r.uri)));
  }

  /** --set lines that make the enhance job use exactly this file, kind and scale. */
  java.util.List<String> jobSets() {
    return java.util.Arrays.asList(
        "model.uri=" + file.toUri(),
        "model.kind=" + spec.kind().opencvName(),
        "model.scale=" + spec.scale());
  }
}
