package org.superres.config;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Keeps credentials out of logs, summaries and error messages. */
public final class Redaction {
  private static final Pattern SECRET_KEY =
      Pattern.compile("(?i).*(secret|password|passwd|token|credential|access[._-]?key|session|signature).*");
  private static final Pattern JSON_PAIR = Pattern.compile("\"([^\"]+)\"\\s*:\\s*\"([^\"]*)\"");

  private Redaction() {}

  public static boolean isSecretKey(String key) {
    return SECRET_KEY.matcher(key).matches() && !key.toLowerCase().endsWith("provider");
  }

  public static String value(String key, String value) {
    return isSecretKey(key) ? "***" : value;
  }

  static String redactJson(String json) {
    Matcher m = JSON_PAIR.matcher(json);
    StringBuffer sb = new StringBuffer();
    while (m.find()) {
      String replacement = isSecretKey(m.group(1)) ? "\"" + m.group(1) + "\":\"***\"" : m.group();
      m.appendReplacement(sb, Matcher.quoteReplacement(replacement));
    }
    m.appendTail(sb);
    return sb.toString();
  }
}
