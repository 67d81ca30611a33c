package org.superres.job;

import java.security.SecureRandom;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;

/**
 * Sortable run identifiers: UTC time to the second plus a short random suffix, e.g.
 * 20261128T093000Z-3f9a1c.
 */
public final class RunId {
  private static final DateTimeFormatter FORMAT =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'");
  private static final SecureRandom RANDOM = new SecureRandom();

  private RunId() {}

  public static String next() {
    return FORMAT.format(ZonedDateTime.now(ZoneOffset.UTC))
        + "-"
        + String.format("%06x", RANDOM.nextInt(1 << 24));
  }
}
