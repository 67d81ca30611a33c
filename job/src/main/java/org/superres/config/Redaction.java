package org.superres.config;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Keeps credentials out of logs, summaries and error messages. One rule decides what a secret is,
 * for configuration keys and for {@code name=value} pairs inside messages alike.
 */
public final class Redaction {
  private static final Pattern SECRET_KEY =
      Pattern.compile(
          "(?i).*(secret|password|passwd|token|credential|access[._-]?key|session|signature).*");
  private static final Pattern JSON_PAIR = Pattern.compile("\"([^\"]+)\"\\s*:\\s*\"([^\"]*)\"");
  private static final Pattern TEXT_PAIR = Pattern.compile("([A-Za-z0-9._-]+)=([^&\\s,;]+)");

  private Redaction() {}

  /** Whether a key names a credential; "...provider" keys name a class, not a secret. */
  public static boolean isSecretKey(String key) {
    return SECRET_KEY.matcher(key).matches() && !key.toLowerCase(Locale.ROOT).endsWith("provider");
  }

  /**
   * Masks the values of secret {@code name=value} pairs in a message; "access=READ" is no secret.
   */
  public static String scrub(String message) {
    return replacePairs(TEXT_PAIR, message, m -> m.group(1) + "=***");
  }

  static String redactJson(String json) {
    return replacePairs(JSON_PAIR, json, m -> "\"" + m.group(1) + "\":\"***\"");
  }

  private static String replacePairs(
      Pattern pairs, String text, java.util.function.Function<Matcher, String> masked) {
    Matcher m = pairs.matcher(text);
    StringBuilder sb = new StringBuilder();
    while (m.find()) {
      m.appendReplacement(
          sb, Matcher.quoteReplacement(isSecretKey(m.group(1)) ? masked.apply(m) : m.group()));
    }
    m.appendTail(sb);
    return sb.toString();
  }
}
