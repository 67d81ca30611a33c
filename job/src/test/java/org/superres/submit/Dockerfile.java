package org.superres.submit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the image tests read from a Dockerfile: its instructions (continuation lines joined,
 * comments dropped), ARG defaults substituted, and the COPY/ADD instructions with their flags,
 * sources and destination. Enough for the project's own Dockerfiles, not a general parser.
 */
final class Dockerfile {
  /** One COPY or ADD. */
  static final class Copy {
    final String instruction;
    final Map<String, String> flags = new LinkedHashMap<>();
    final List<String> sources = new ArrayList<>();
    String destination;

    Copy(String instruction) {
      this.instruction = instruction;
    }

    /** Copied from the build context (not from another stage or image, not downloaded). */
    boolean fromContext() {
      return !flags.containsKey("from") && sources.stream().noneMatch(s -> s.contains("://"));
    }

    /** The paths this instruction creates in the image. */
    List<String> created() {
      List<String> paths = new ArrayList<>();
      for (String s : sources) {
        paths.add(
            destination.endsWith("/")
                ? destination + s.substring(s.lastIndexOf('/') + 1)
                : destination);
      }
      return paths;
    }
  }

  final Map<String, String> args = new LinkedHashMap<>();
  final List<String> from = new ArrayList<>();
  final List<String> run = new ArrayList<>();
  final List<Copy> copies = new ArrayList<>();

  static Dockerfile read(Path file) throws IOException {
    Dockerfile d = new Dockerfile();
    StringBuilder current = new StringBuilder();
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      if (current.length() == 0 && (line.isBlank() || line.strip().startsWith("#"))) {
        continue;
      }
      if (line.endsWith("\\")) {
        current.append(line, 0, line.length() - 1).append(' ');
        continue;
      }
      current.append(line);
      d.add(current.toString().strip());
      current.setLength(0);
    }
    return d;
  }

  private void add(String instruction) {
    String[] words = instruction.split("\\s+");
    String keyword = words[0].toUpperCase(java.util.Locale.ROOT);
    String rest = instruction.substring(words[0].length()).strip();
    switch (keyword) {
      case "ARG":
        int eq = rest.indexOf('=');
        if (eq > 0) {
          args.putIfAbsent(rest.substring(0, eq), rest.substring(eq + 1));
        }
        break;
      case "FROM":
        from.add(expand(words[1]));
        break;
      case "RUN":
        run.add(rest);
        break;
      case "COPY":
      case "ADD":
        Copy c = new Copy(keyword);
        List<String> operands = new ArrayList<>();
        for (String w : Arrays.copyOfRange(words, 1, words.length)) {
          if (w.startsWith("--") && operands.isEmpty()) {
            int e = w.indexOf('=');
            c.flags.put(w.substring(2, e), w.substring(e + 1));
          } else {
            operands.add(expand(w));
          }
        }
        c.sources.addAll(operands.subList(0, operands.size() - 1));
        c.destination = operands.get(operands.size() - 1);
        copies.add(c);
        break;
      default:
        break;
    }
  }

  /** ${NAME} replaced by the ARG's default. */
  String expand(String s) {
    Matcher m = Pattern.compile("\\$\\{(\\w+)}").matcher(s);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String v = args.get(m.group(1));
      if (v == null) {
        throw new IllegalArgumentException("no ARG " + m.group(1) + " for " + s);
      }
      m.appendReplacement(out, Matcher.quoteReplacement(v));
    }
    m.appendTail(out);
    return out.toString();
  }

  /** Every path COPY and ADD create. */
  List<String> created() {
    List<String> paths = new ArrayList<>();
    copies.forEach(c -> paths.addAll(c.created()));
    return paths;
  }
}
