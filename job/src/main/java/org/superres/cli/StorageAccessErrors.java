package org.superres.cli;

import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.AccessDeniedException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;

/**
 * Turns a storage failure on the driver (wrong credentials, no permission, unreachable endpoint)
 * into one line naming the bucket or path, the endpoint and what to do. The driver lists inputs and
 * reads the model before any executor starts, so such a run stops there, with one error instead of
 * one per image. Credentials are never part of the line: only the names of the settings that hold
 * them.
 */
final class StorageAccessErrors {
  private static final Pattern ERROR_CODE = Pattern.compile("Error Code: ([A-Za-z]+)");
  private static final Pattern RPC_TARGET = Pattern.compile(" to (\\S+:\\d+) failed on ");

  private StorageAccessErrors() {}

  /**
   * The line to print, or null when the failure is not about reaching or being allowed into
   * storage.
   */
  static String describe(Throwable failure, Configuration hadoop) {
    AccessDeniedException denied = find(failure, AccessDeniedException.class);
    if (denied != null) {
      String where = denied.getFile() != null ? denied.getFile() : "";
      String code = errorCode(failure);
      if (where.startsWith("s3a://") || code != null) {
        String bucket = bucketOf(where);
        return "access denied to "
            + where
            + " (bucket "
            + bucket
            + ", endpoint "
            + s3Endpoint(hadoop, bucket)
            + (code != null ? ", " + code : "")
            + "): check the S3 credentials (fs.s3a.access.key and "
            + "fs.s3a.secret.key, fs.s3a.aws.credentials.provider, or the AWS default provider chain), "
            + "fs.s3a.endpoint and the bucket's policy";
      }
      return "access denied to "
          + where
          + ": check the credentials and permissions of this file system";
    }
    Throwable permission = findByName(failure, "org.apache.hadoop.security.AccessControlException");
    if (permission != null) {
      return "permission denied: "
          + firstLine(permission.getMessage())
          + ": run as a user with access, or change the path's permissions";
    }
    Throwable unreachable = find(failure, ConnectException.class);
    if (unreachable == null) {
      unreachable = find(failure, UnknownHostException.class);
    }
    String s3Path = findS3Path(failure);
    if (unreachable != null && s3Path != null) {
      String bucket = bucketOf(s3Path);
      return "cannot reach the S3 endpoint "
          + s3Endpoint(hadoop, bucket)
          + " for "
          + s3Path
          + " ("
          + unreachable.getClass().getSimpleName()
          + "): check fs.s3a.endpoint and the network";
    }
    if (unreachable != null) {
      // Hadoop RPC (HDFS): "Call From a/1.2.3.4 to namenode:8020 failed on connection exception:
      // ..."
      String where = firstLine(unreachable.getMessage());
      for (Throwable c = failure; c != null; c = c.getCause() == c ? null : c.getCause()) {
        Matcher to = RPC_TARGET.matcher(String.valueOf(c.getMessage()));
        if (to.find()) {
          where = to.group(1);
          break;
        }
      }
      return "cannot reach "
          + where
          + " ("
          + unreachable.getClass().getSimpleName()
          + "): check the file "
          + "system's address in the URI (or fs.defaultFS), that the service (the HDFS NameNode) is up, and the "
          + "network";
    }
    return null;
  }

  static String s3Endpoint(Configuration hadoop, String bucket) {
    String perBucket =
        bucket == null ? null : hadoop.getTrimmed("fs.s3a.bucket." + bucket + ".endpoint");
    String endpoint =
        perBucket != null && !perBucket.isEmpty()
            ? perBucket
            : hadoop.getTrimmed("fs.s3a.endpoint");
    return endpoint == null || endpoint.isEmpty()
        ? "AWS default (fs.s3a.endpoint unset)"
        : endpoint;
  }

  static String bucketOf(String uri) {
    try {
      String host = URI.create(uri.replace(" ", "%20")).getHost();
      return host != null ? host : "?";
    } catch (IllegalArgumentException e) {
      return "?";
    }
  }

  private static String errorCode(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      Matcher m = ERROR_CODE.matcher(String.valueOf(c.getMessage()));
      if (m.find()) {
        return m.group(1);
      }
    }
    return null;
  }

  private static String findS3Path(Throwable t) {
    Pattern s3 = Pattern.compile("s3a://[^\\s:]+");
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      Matcher m = s3.matcher(String.valueOf(c.getMessage()));
      if (m.find()) {
        return m.group();
      }
    }
    return null;
  }

  private static <T extends Throwable> T find(Throwable t, Class<T> type) {
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (type.isInstance(c)) {
        return type.cast(c);
      }
    }
    return null;
  }

  private static Throwable findByName(Throwable t, String className) {
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      for (Class<?> k = c.getClass(); k != null; k = k.getSuperclass()) {
        if (k.getName().equals(className)) {
          return c;
        }
      }
    }
    return null;
  }

  private static String firstLine(String s) {
    return s == null ? "" : s.split("\n")[0];
  }
}
