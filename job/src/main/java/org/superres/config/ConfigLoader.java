package org.superres.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import java.io.File;
import java.util.List;
import java.util.Map;

/**
 * Builds the effective configuration in one fixed order (highest first): --set key=value,
 * -Dsuperres.key=value, --config FILE, conf/application.conf, reference.conf. Unknown keys are
 * errors, so a typo never silently falls back to a default.
 */
public final class ConfigLoader {
  public static final String ROOT = "superres";

  private ConfigLoader() {}

  public static Config load(String configFile, List<String> sets) {
    Config reference = ConfigFactory.defaultReference().getConfig(ROOT).atPath(ROOT);
    Config merged = ConfigFactory.empty();
    for (String set : sets) {
      merged = merged.withFallback(parseSet(set));
    }
    merged = merged.withFallback(systemProperties());
    if (configFile != null) {
      File f = new File(configFile);
      if (!f.isFile()) {
        throw new ConfigError("--config " + configFile + ": no such file");
      }
      merged = merged.withFallback(parseFile(f));
    }
    File site = siteConfig();
    if (site != null) {
      merged = merged.withFallback(parseFile(site));
    }
    merged = normalizeOutput(merged);
    checkKnownKeys(merged, reference);
    try {
      return merged.withFallback(reference).resolve();
    } catch (ConfigException e) {
      throw new ConfigError(e.getMessage());
    }
  }

  /** conf/application.conf of the working directory, or the one SUPERRES_CONF_DIR names. */
  private static File siteConfig() {
    String dir = System.getenv().getOrDefault("SUPERRES_CONF_DIR", "conf");
    File f = new File(dir, "application.conf");
    return f.isFile() ? f : null;
  }

  private static Config parseFile(File f) {
    try {
      return ConfigFactory.parseFile(f, ConfigParseOptions.defaults().setAllowMissing(false));
    } catch (ConfigException e) {
      throw new ConfigError("cannot parse " + f + ": " + e.getMessage());
    }
  }

  private static Config systemProperties() {
    ConfigFactory.invalidateCaches(); // Typesafe Config caches system properties at first use
    Config sys = ConfigFactory.systemProperties();
    return sys.hasPath(ROOT) ? sys.getConfig(ROOT).atPath(ROOT) : ConfigFactory.empty();
  }

  /**
   * "key=value" with key relative to superres; the value is HOCON for lists/objects, else a plain
   * string.
   */
  static Config parseSet(String set) {
    int eq = set.indexOf('=');
    if (eq <= 0) {
      throw new ConfigError("--set " + set + ": expected key=value, e.g. --set tiling.tile=256");
    }
    String key = set.substring(0, eq).trim();
    String value = set.substring(eq + 1).trim();
    String path = key.startsWith(ROOT + ".") ? key : ROOT + "." + key;
    try {
      if (value.startsWith("[") || value.startsWith("{")) {
        return ConfigFactory.parseString(path + " = " + value);
      }
      return ConfigFactory.empty()
          .withValue(path, ConfigValueFactory.fromAnyRef(value, "--set " + key));
    } catch (ConfigException e) {
      throw new ConfigError("--set " + set + ": " + e.getMessage());
    }
  }

  /** HOCON cannot hold "output" as both a string and an object: a plain string means output.uri. */
  private static Config normalizeOutput(Config c) {
    String key = ROOT + ".output";
    if (c.hasPathOrNull(key)
        && c.getValue(key).valueType() == com.typesafe.config.ConfigValueType.STRING) {
      String uri = c.getString(key);
      return c.withoutPath(key).withValue(key + ".uri", ConfigValueFactory.fromAnyRef(uri));
    }
    return c;
  }

  private static void checkKnownKeys(Config user, Config reference) {
    if (!user.hasPath(ROOT)) {
      return;
    }
    for (Map.Entry<String, ConfigValue> e : user.getConfig(ROOT).entrySet()) {
      String path = ROOT + "." + e.getKey();
      if (path.startsWith(ROOT + ".spark.")) {
        continue;
      }
      if (!reference.hasPathOrNull(path)) {
        throw new ConfigError(
            "unknown configuration key '"
                + path
                + "' (from "
                + e.getValue().origin().description()
                + "); see reference.conf for the keys");
      }
    }
  }
}
