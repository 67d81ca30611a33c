package org.superres.cli;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.superres.config.ConfigError;
import org.superres.config.JobSettings;
import org.superres.engine.ModelSpec;
import org.superres.model.CatalogEntry;
import org.superres.model.ModelCatalog;

/**
 * {@code models list | verify | fetch NAME [--from MIRROR]}: the catalog and the local model directory
 * (model.dir, default ./models). A checksum mismatch is an error (exit 1) and a fetched file that fails
 * its checksum is deleted.
 */
final class ModelsCommand {
  private ModelsCommand() {}

  static int run(Args a) throws IOException, InterruptedException {
    JobSettings settings = Main.settings(a, false);
    ModelCatalog catalog = ModelCatalog.load();
    Path dir = Paths.get(settings.modelDir != null ? settings.modelDir : "models");
    String sub = a.words.isEmpty() ? "list" : a.words.get(0);
    switch (sub) {
      case "list":
        System.out.printf("%-22s %-7s %-5s %-12s %-10s %s%n", "NAME", "KIND", "SCALE", "BYTES", "STATE", "LICENSE");
        for (CatalogEntry e : catalog.entries()) {
          System.out.printf("%-22s %-7s x%-4d %-12d %-10s %s%n", e.name, e.kind.opencvName(), e.scale, e.bytes,
              state(dir.resolve(e.file), e), e.license);
        }
        return 0;
      case "verify":
        return verify(catalog, dir);
      case "fetch":
        if (a.words.size() < 2) {
          throw new ConfigError("models fetch needs a model name (see models list)");
        }
        return fetch(catalog.get(a.words.get(1)), dir, a.one("from"));
      default:
        throw new ConfigError("unknown models subcommand '" + sub + "': expected list, verify or fetch");
    }
  }

  private static String state(Path file, CatalogEntry e) {
    if (Files.isRegularFile(file)) return "present";
    return e.bundled ? "bundled" : "absent";
  }

  private static int verify(ModelCatalog catalog, Path dir) {
    int bad = 0;
    int checked = 0;
    for (CatalogEntry e : catalog.entries()) {
      Path f = dir.resolve(e.file);
      if (!Files.isRegularFile(f)) continue;
      checked++;
      String actual = ModelSpec.sha256Of(f);
      if (actual.equals(e.sha256)) {
        System.out.println("ok       " + e.name + "  " + f);
      } else {
        bad++;
        System.out.println("MISMATCH " + e.name + "  " + f + "  sha256 " + actual + " expected " + e.sha256);
      }
    }
    System.out.println(checked + " model file(s) checked in " + dir + ", " + bad + " mismatch(es)");
    if (bad > 0) {
      System.err.println("superres: error: " + bad + " model file(s) fail their checksum: fetch them again");
      return 1;
    }
    return 0;
  }

  private static int fetch(CatalogEntry e, Path dir, String from) throws IOException, InterruptedException {
    Files.createDirectories(dir);
    Path target = dir.resolve(e.file);
    Path tmp = dir.resolve("." + e.file + ".part");
    if (from != null) {
      org.apache.hadoop.fs.Path src = new org.apache.hadoop.fs.Path(from, e.file);
      FileSystem fs = src.getFileSystem(new Configuration());
      try (InputStream in = fs.open(src)) {
        Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
      }
    } else {
      if (e.url == null) {
        throw new ConfigError("model " + e.name + " has no download URL; use --from MIRROR");
      }
      HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL)
          .connectTimeout(Duration.ofSeconds(20)).build();
      HttpResponse<Path> r = http.send(HttpRequest.newBuilder(URI.create(e.url)).build(),
          HttpResponse.BodyHandlers.ofFile(tmp));
      if (r.statusCode() != 200) {
        Files.deleteIfExists(tmp);
        throw new IOException("GET " + e.url + " answered HTTP " + r.statusCode());
      }
    }
    String actual = ModelSpec.sha256Of(tmp);
    if (!actual.equals(e.sha256)) {
      Files.deleteIfExists(tmp);
      System.err.println("superres: error: " + e.name + " from " + (from != null ? from : e.url) + " has sha256 "
          + actual + ", expected " + e.sha256 + "; the file was not kept");
      return 1;
    }
    Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    System.out.println("fetched " + e.name + " -> " + target + " (sha256 ok)");
    return 0;
  }
}
