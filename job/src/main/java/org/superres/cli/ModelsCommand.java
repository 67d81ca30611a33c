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
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.superres.config.ConfigError;
import org.superres.config.JobSettings;
import org.superres.engine.ModelSpec;
import org.superres.model.CatalogEntry;
import org.superres.model.ModelCatalog;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code models list | verify | fetch NAME [--from MIRROR]}: the catalog and the local model
 * directory (model.dir, default ./models). A checksum mismatch is an error (exit 1) and a fetched
 * file that fails its checksum is deleted. {@code models} alone lists.
 */
@Command(name = "models", description = "The model catalog: list, verify local files, fetch one.")
final class ModelsCommand implements Callable<Integer> {
  @Mixin CommonOptions common;

  @Override
  public Integer call() {
    return list(common);
  }

  @Command(
      name = "list",
      description = "Catalog models and whether each is present, bundled or absent.")
  int list(@Mixin CommonOptions options) {
    ModelCatalog catalog = ModelCatalog.load();
    Path dir = modelDir(options);
    System.out.printf(
        "%-22s %-7s %-5s %-12s %-10s %s%n", "NAME", "KIND", "SCALE", "BYTES", "STATE", "LICENSE");
    for (CatalogEntry e : catalog.entries()) {
      System.out.printf(
          "%-22s %-7s x%-4d %-12d %-10s %s%n",
          e.name, e.kind.opencvName(), e.scale, e.bytes, state(dir.resolve(e.file), e), e.license);
    }
    return 0;
  }

  @Command(
      name = "verify",
      description = "Checks the sha256 of every catalog model in the model dir.")
  int verify(@Mixin CommonOptions options) {
    return verify(ModelCatalog.load(), modelDir(options));
  }

  @Command(name = "fetch", description = "Downloads a catalog model (or copies it from a mirror).")
  int fetch(
      @Parameters(paramLabel = "NAME", description = "a catalog name (see models list)")
          String name,
      @Option(
              names = "--from",
              paramLabel = "DIR_OR_BUCKET",
              description = "a mirror instead of the URL")
          String from,
      @Mixin CommonOptions options)
      throws IOException, InterruptedException {
    return fetch(ModelCatalog.load().get(name), modelDir(options), from);
  }

  private static Path modelDir(CommonOptions options) {
    JobSettings settings = options.settings(List.of());
    return Paths.get(settings.modelDir != null ? settings.modelDir : "models");
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
        System.out.println(
            "MISMATCH " + e.name + "  " + f + "  sha256 " + actual + " expected " + e.sha256);
      }
    }
    System.out.println(checked + " model file(s) checked in " + dir + ", " + bad + " mismatch(es)");
    if (bad > 0) {
      System.err.println(
          "superres: error: " + bad + " model file(s) fail their checksum: fetch them again");
      return 1;
    }
    return 0;
  }

  private static int fetch(CatalogEntry e, Path dir, String from)
      throws IOException, InterruptedException {
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
      HttpClient http =
          HttpClient.newBuilder()
              .followRedirects(HttpClient.Redirect.NORMAL)
              .connectTimeout(Duration.ofSeconds(20))
              .build();
      HttpResponse<Path> r =
          http.send(
              HttpRequest.newBuilder(URI.create(e.url)).build(),
              HttpResponse.BodyHandlers.ofFile(tmp));
      if (r.statusCode() != 200) {
        Files.deleteIfExists(tmp);
        throw new IOException("GET " + e.url + " answered HTTP " + r.statusCode());
      }
    }
    String actual = ModelSpec.sha256Of(tmp);
    if (!actual.equals(e.sha256)) {
      Files.deleteIfExists(tmp);
      System.err.println(
          "superres: error: "
              + e.name
              + " from "
              + (from != null ? from : e.url)
              + " has sha256 "
              + actual
              + ", expected "
              + e.sha256
              + "; the file was not kept");
      return 1;
    }
    Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    System.out.println("fetched " + e.name + " -> " + target + " (sha256 ok)");
    return 0;
  }
}
