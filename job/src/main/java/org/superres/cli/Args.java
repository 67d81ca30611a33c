package org.superres.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.superres.config.ConfigError;

/**
 * The command line: a command word, its sub-words, and --options, some of which repeat. Every option takes
 * one value (--name value or --name=value).
 */
public final class Args {
  public final String command;
  public final List<String> words = new ArrayList<>();
  private final Map<String, List<String>> options = new LinkedHashMap<>();

  private Args(String command) {
    this.command = command;
  }

  public static Args parse(String[] argv, List<String> known) {
    if (argv.length == 0) {
      throw new ConfigError("no command: expected enhance, eval, bench or models (see --help)");
    }
    Args a = new Args(argv[0]);
    for (int i = 1; i < argv.length; i++) {
      String arg = argv[i];
      if (!arg.startsWith("--")) {
        a.words.add(arg);
        continue;
      }
      String name = arg.substring(2);
      String value;
      int eq = name.indexOf('=');
      if (eq > 0) {
        value = name.substring(eq + 1);
        name = name.substring(0, eq);
      } else if (i + 1 < argv.length) {
        value = argv[++i];
      } else {
        throw new ConfigError("option --" + name + " needs a value");
      }
      if (!known.contains(name)) {
        throw new ConfigError("unknown option --" + name + " for '" + a.command + "' (known: --"
            + String.join(", --", known) + ")");
      }
      a.options.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
    }
    return a;
  }

  public List<String> all(String name) {
    return options.getOrDefault(name, new ArrayList<>());
  }

  public String one(String name) {
    List<String> v = all(name);
    if (v.size() > 1) {
      throw new ConfigError("option --" + name + " given " + v.size() + " times; give it once");
    }
    return v.isEmpty() ? null : v.get(0);
  }

  public boolean has(String name) {
    return options.containsKey(name);
  }
}
