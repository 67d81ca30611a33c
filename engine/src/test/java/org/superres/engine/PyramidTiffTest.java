package org.superres.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Size;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.superres.testing.Images;

/**
 * Issue 17, item 3: the tiled and pyramidal TIFFs of {@link TiledTiffWriter}, read back by the
 * tools archives use: libtiff (tiffinfo, tiffdump), vips, and IIPImage serving IIIF behind lighttpd
 * on 127.0.0.1. CI installs them (.ci/run); elsewhere the tests that need one skip, saying which.
 * Images are written strip by strip, in strips that do not line up with the tiles.
 */
class PyramidTiffTest {
  private static final String IIPSRV = "/usr/lib/iipimage-server/iipsrv.fcgi";

  @TempDir Path dir;

  /** 1300x700 BGR scene, written in 100-row strips. */
  private static Mat scene() {
    return Images.scene(1300, 700);
  }

  private static Path write(
      Path file, Mat img, boolean pyramid, TiledTiffWriter.Compression c, boolean big)
      throws IOException {
    ImageMetadata m =
        new ImageMetadata(
            null,
            org.superres.testing.HostileCorpus.iccProfile(),
            "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"/>".getBytes(StandardCharsets.UTF_8));
    try (TiledTiffWriter w =
        new TiledTiffWriter(
            file,
            img.cols(),
            img.rows(),
            img.channels(),
            img.depth(),
            256,
            pyramid,
            c,
            90,
            m,
            big)) {
      for (int y = 0; y < img.rows(); y += 100) {
        try (Mat strip = img.rowRange(y, Math.min(img.rows(), y + 100))) {
          w.write(strip);
        }
      }
      w.finish();
    }
    return file;
  }

  @Test
  void pyramidLevelsHalveDownToOneTileAndOpenCvReadsTheFullResolution() throws Exception {
    Mat img = scene();
    Path tif = write(dir.resolve("p.tif"), img, true, TiledTiffWriter.Compression.DEFLATE, false);
    Mat back = opencv_imgcodecs.imread(tif.toString(), opencv_imgcodecs.IMREAD_UNCHANGED);
    assertTrue(Images.identical(img, back), "deflated tiles are lossless");
    // the second directory is the 2x2 box average
    Mat half = new Mat();
    opencv_imgproc.resize(img, half, new Size(650, 350), 0, 0, opencv_imgproc.INTER_AREA);
    org.bytedeco.opencv.opencv_core.MatVector pages =
        new org.bytedeco.opencv.opencv_core.MatVector();
    assertTrue(
        opencv_imgcodecs.imreadmulti(tif.toString(), pages, opencv_imgcodecs.IMREAD_UNCHANGED));
    assertEquals(4, pages.size(), "1300x700, 650x350, 325x175, 162x87");
    assertTrue(Images.identical(half, pages.get(1)));
    assertEquals(162, pages.get(3).cols());
    assertEquals(87, pages.get(3).rows());
  }

  @Test
  void libtiffSeesTiledDirectoriesWithReducedResolutionLevels() throws Exception {
    assumeTool("tiffinfo", "libtiff-tools");
    Path tif = write(dir.resolve("p.tif"), scene(), true, TiledTiffWriter.Compression.JPEG, false);
    String info = run("tiffinfo", "-D", tif.toString());
    assertFalse(info.toLowerCase().contains("error"), info);
    assertEquals(4, count(info, "TIFF Directory at offset"), info);
    assertEquals(4, count(info, "Tile Width: 256 Tile Length: 256"), info);
    assertEquals(4, count(info, "Compression Scheme: JPEG"), info);
    assertEquals(3, count(info, "reduced-resolution image"), info);
    assertTrue(info.contains("Image Width: 1300 Image Length: 700"), info);
    assertTrue(info.contains("Image Width: 162 Image Length: 87"), info);
    assertTrue(info.contains("ICC Profile"), info);
    assertTrue(info.contains("XMLPacket") || info.contains("XMP"), info);
    String dump = run("tiffdump", tif.toString());
    assertTrue(dump.contains("ClassicTIFF"), dump);
  }

  @Test
  void bigTiffLayoutIsReadByLibtiffVipsAndOpenCv() throws Exception {
    assumeTool("tiffdump", "libtiff-tools");
    assumeTool("vips", "libvips-tools");
    Mat img = scene();
    Path tif = write(dir.resolve("big.tif"), img, true, TiledTiffWriter.Compression.DEFLATE, true);
    String dump = run("tiffdump", tif.toString());
    assertTrue(dump.contains("BigTIFF"), dump);
    assertTrue(dump.contains("TileOffsets (324) LONG8"), dump);
    assertFalse(run("tiffinfo", "-D", tif.toString()).toLowerCase().contains("error"));
    assertEquals("1300", run("vipsheader", "-f", "width", tif.toString()).trim());
    assertEquals("4", run("vipsheader", "-f", "n-pages", tif.toString()).trim());
    Path png = dir.resolve("level2.png");
    run("vips", "copy", tif + "[page=2]", png.toString());
    Mat level2 = opencv_imgcodecs.imread(png.toString());
    assertEquals(325, level2.cols());
    Mat back = opencv_imgcodecs.imread(tif.toString(), opencv_imgcodecs.IMREAD_UNCHANGED);
    assertTrue(Images.identical(img, back));
  }

  @Test
  void iipImageServesIiifInfoAndTilesOfAPyramid() throws Exception {
    assumeTrue(
        Files.isExecutable(Paths.get(IIPSRV)),
        "skipped: " + IIPSRV + " absent (apt-get install iipimage-server)");
    Path lighttpd = assumeTool("lighttpd", "lighttpd");
    Mat img = scene();
    Path tif = write(dir.resolve("scan.tif"), img, true, TiledTiffWriter.Compression.JPEG, false);
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    Path conf = dir.resolve("lighttpd.conf");
    Files.writeString(
        conf,
        String.join(
            "\n",
            "server.document-root = \"" + dir + "\"",
            "server.bind = \"127.0.0.1\"",
            "server.port = " + port,
            "server.errorlog = \"" + dir.resolve("error.log") + "\"",
            "server.modules += ( \"mod_fastcgi\" )",
            "fastcgi.server = ( \"/fcgi-bin/iipsrv.fcgi\" => ((",
            "  \"bin-path\" => \"" + IIPSRV + "\",",
            "  \"socket\" => \"" + dir.resolve("iipsrv.sock") + "\",",
            "  \"check-local\" => \"disable\", \"min-procs\" => 1, \"max-procs\" => 1,",
            "  \"bin-environment\" => ( \"FILESYSTEM_PREFIX\" => \"" + dir + "/\",",
            "    \"LOGFILE\" => \"" + dir.resolve("iipsrv.log") + "\", \"VERBOSITY\" => \"2\" )",
            ")) )",
            ""));
    Process server =
        new ProcessBuilder(lighttpd.toString(), "-D", "-f", conf.toString())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("lighttpd.out").toFile())
            .start();
    try {
      String base = "http://127.0.0.1:" + port + "/fcgi-bin/iipsrv.fcgi?IIIF=scan.tif";
      String info = new String(get(base + "/info.json"), StandardCharsets.UTF_8);
      assertTrue(
          info.contains("\"width\" : 1300") || info.matches("(?s).*\"width\"\\s*:\\s*1300.*"),
          info);
      assertTrue(info.matches("(?s).*\"height\"\\s*:\\s*700.*"), info);
      assertTrue(info.contains("iiif.io/api/image"), info);

      byte[] jpeg = get(base + "/256,256,256,256/256,/0/default.jpg");
      Mat tile =
          opencv_imgcodecs.imdecode(
              new Mat(new org.bytedeco.javacpp.BytePointer(jpeg)), opencv_imgcodecs.IMREAD_COLOR);
      assertEquals(256, tile.cols());
      assertEquals(256, tile.rows());
      double psnr = Images.psnr(new Mat(img, new Rect(256, 256, 256, 256)).clone(), tile);
      assertTrue(psnr > 28, "IIIF tile matches the image: " + psnr + " dB");

      byte[] small = get(base + "/full/325,/0/default.jpg"); // served from a reduced level
      Mat whole =
          opencv_imgcodecs.imdecode(
              new Mat(new org.bytedeco.javacpp.BytePointer(small)), opencv_imgcodecs.IMREAD_COLOR);
      assertEquals(325, whole.cols());
    } finally {
      server.destroy();
      if (!server.waitFor(10, TimeUnit.SECONDS)) server.destroyForcibly();
    }
  }

  /** GET with bounded retries while lighttpd and iipsrv start (at most about 10 s). */
  private byte[] get(String url) throws Exception {
    IOException last = null;
    for (int i = 0; i < 40; i++) {
      try {
        HttpURLConnection c = (HttpURLConnection) new URL(url).openConnection();
        c.setConnectTimeout(2000);
        c.setReadTimeout(10000);
        int code = c.getResponseCode();
        if (code == 200) {
          try (java.io.InputStream in = c.getInputStream()) {
            return in.readAllBytes();
          }
        }
        last = new IOException(url + " answered " + code + serverLogs());
      } catch (IOException e) {
        last = e;
      }
      Thread.sleep(250);
    }
    throw last;
  }

  private String serverLogs() throws IOException {
    StringBuilder sb = new StringBuilder();
    for (String f : new String[] {"error.log", "iipsrv.log", "lighttpd.out"}) {
      Path p = dir.resolve(f);
      if (Files.exists(p)) sb.append("\n").append(f).append(": ").append(Files.readString(p));
    }
    return sb.toString();
  }

  /** The tool's path; skips the test, naming the Debian package, when it is not installed. */
  private static Path assumeTool(String tool, String pkg) {
    String path = System.getenv().getOrDefault("PATH", "/usr/bin") + ":/usr/sbin";
    Path found =
        Arrays.stream(path.split(":"))
            .map(d -> Paths.get(d, tool))
            .filter(Files::isExecutable)
            .findFirst()
            .orElse(null);
    assumeTrue(
        found != null, "skipped: " + tool + " is not installed (apt-get install " + pkg + ")");
    return found;
  }

  private static String run(String... cmd) throws Exception {
    List<String> c = new ArrayList<>(Arrays.asList(cmd));
    Process p = new ProcessBuilder(c).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), String.join(" ", cmd) + " hangs");
    assertEquals(0, p.exitValue(), String.join(" ", cmd) + ": " + out);
    return out;
  }

  private static int count(String s, String what) {
    Matcher m = Pattern.compile(Pattern.quote(what)).matcher(s);
    int n = 0;
    while (m.find()) n++;
    return n;
  }

  static {
    opencv_core.getNumThreads(); // natives loaded before the first Mat
  }
}
