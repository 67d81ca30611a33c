package org.superres.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.superres.cli.EnhanceCommand;
import org.superres.cli.SparkSessions;
import org.superres.config.ConfigLoader;
import org.superres.config.JobSettings;
import org.superres.job.EnhanceJob;
import org.superres.testing.Fixtures;

/**
 * Runs the sample images plus one broken file through the real job (local Spark, the bundled
 * model), then opens the run's report.html in headless Chromium and checks what a digitisation team
 * would look at: the summary numbers, the failure row (whose file name is full of HTML specials),
 * the gallery, the histograms, and that every image loaded. Saves a full-page screenshot as
 * target/report-screenshot.png.
 */
class RunReportBrowserTest {
  private static final Path REPO = Fixtures.repoRoot();
  private static final Path MODEL = Fixtures.ownModel();
  private static final String CHROMIUM =
      System.getenv().getOrDefault("CHROME_BIN", "/usr/bin/chromium");
  private static final String CHROMEDRIVER =
      System.getenv().getOrDefault("CHROMEDRIVER", "/usr/bin/chromedriver");

  /** A name that breaks naive HTML: it must show as text, never become markup. */
  private static final String BROKEN = "torn <scan> & \"copy\" 'b'.png";

  private static final String POSTPROCESS = "clahe(L, clip-limit=1.5, tile-grid=8x8)";

  /**
   * Selenium logs through java.util.logging; its CDP-version notice is noise here (WebDriver is
   * used).
   */
  private static final java.util.logging.Logger SELENIUM_LOG =
      java.util.logging.Logger.getLogger("org.openqa.selenium");

  private static SparkSession spark;

  @TempDir static Path tmp;

  @BeforeEach
  void needsModelAndBrowser() {
    assumeTrue(
        new File(CHROMIUM).canExecute() && new File(CHROMEDRIVER).canExecute(),
        "skipped: headless Chromium not installed ("
            + CHROMIUM
            + ", "
            + CHROMEDRIVER
            + "); run .ci/install-browser.sh");
  }

  @AfterAll
  static void stop() {
    if (spark != null) {
      spark.stop();
    }
  }

  @Test
  void sampleRunReportOpensInChromiumWithEveryPart() throws Exception {
    spark =
        SparkSessions.create(
            "report-browser-test",
            "local[2]",
            Map.of("spark.ui.enabled", "false", "spark.sql.shuffle.partitions", "2"),
            List.of());
    Path input = tmp.resolve("in");
    Files.createDirectories(input);
    List<String> samples = new ArrayList<>();
    try (Stream<Path> files = Files.list(REPO.resolve("job/samples"))) {
      for (Path p : files.sorted().collect(Collectors.toList())) {
        Files.copy(p, input.resolve(p.getFileName()));
        samples.add(p.getFileName().toString());
      }
    }
    byte[] png = Files.readAllBytes(REPO.resolve("job/samples/letter-page.png"));
    Files.write(
        input.resolve(BROKEN), Arrays.copyOf(png, 300)); // a valid header, then nothing: truncated
    Path output = tmp.resolve("out");

    JobSettings settings =
        JobSettings.from(
            ConfigLoader.load(
                null,
                List.of(
                    "input=[\"" + input.toUri() + "\"]",
                    "output.uri=" + output.toUri(),
                    "model.uri=" + MODEL.toUri(),
                    "failures.max-ratio=0.5",
                    "progress.interval-seconds=60",
                    "postprocess.clahe.enabled=true",
                    "postprocess.clahe.clip-limit=1.5")));
    EnhanceJob.Outcome outcome = EnhanceCommand.runAndReport(spark, settings);
    assertEquals(samples.size(), outcome.summary.totals.inputs.ok);
    assertEquals(1, outcome.summary.totals.inputs.failed);

    Path runDir = output.resolve("_runs").resolve(outcome.runId);
    Path report = runDir.resolve("report.html");
    assertTrue(Files.isRegularFile(report), "no report at " + report);
    String html = new String(Files.readAllBytes(report), StandardCharsets.UTF_8);
    assertTrue(html.length() > 10_000);
    checkManifestPostprocessColumn(output, outcome.runId);

    ChromeDriver browser = chromium();
    try {
      browser.get(report.toUri().toString());
      JavascriptExecutor js = browser;

      assertEquals(Integer.toString(samples.size() + 1), tileValue(browser, "listed"));
      assertEquals(Integer.toString(samples.size()), tileValue(browser, "ok"));
      assertEquals("0", tileValue(browser, "skipped"));
      assertEquals("1", tileValue(browser, "failed"));
      assertTrue(tileValue(browser, "throughput").endsWith("img/s"));
      assertEquals(
          "superres-edsr-x3 (edsr ×3)",
          browser.findElement(By.cssSelector("dl.details dd")).getText());
      assertEquals(
          5, browser.findElements(By.cssSelector("#stages tbody tr")).size(), "one row per stage");
      assertTrue(browser.findElement(By.id("summary")).getText().contains(POSTPROCESS));

      List<WebElement> failures = browser.findElements(By.cssSelector("#failures-table tbody tr"));
      assertEquals(1, failures.size());
      assertEquals(
          BROKEN,
          failures.get(0).findElement(By.cssSelector(".name")).getText(),
          "the broken file's name shows verbatim");
      assertTrue(
          failures.get(0).findElement(By.cssSelector("td.error .kind")).getText().equals("decode"),
          failures.get(0).getText());
      assertEquals(
          0L,
          js.executeScript("return document.getElementsByTagName('scan').length"),
          "a file name became markup");
      assertEquals(1, browser.findElements(By.cssSelector("#error-kinds tbody tr")).size());

      List<WebElement> gallery = browser.findElements(By.cssSelector("#gallery .sample"));
      assertEquals(
          samples.size(),
          gallery.size(),
          "every ok sample (report.samples=12 > inputs) has an entry");
      List<String> titles = new ArrayList<>();
      for (WebElement s : gallery) {
        titles.add(s.findElement(By.tagName("h3")).getText());
        assertEquals(1, s.findElements(By.cssSelector("img.crop.bicubic")).size());
        assertEquals(1, s.findElements(By.cssSelector("img.crop.model")).size());
        assertEquals(1, s.findElements(By.cssSelector("img.thumb")).size());
      }
      assertEquals(samples, titles, "gallery sorted by path");

      assertEquals(2, browser.findElements(By.cssSelector("#histograms svg.histogram")).size());
      for (WebElement svg : browser.findElements(By.cssSelector("#histograms svg.histogram"))) {
        assertTrue(
            svg.findElements(By.cssSelector("rect.bar")).size() >= 1, "histogram without bars");
      }

      long images = (Long) js.executeScript("return document.images.length");
      assertEquals(3L * samples.size(), images);
      assertEquals(
          Boolean.TRUE,
          js.executeScript(
              "return Array.from(document.images).every(i => i.complete && i.naturalWidth > 0)"),
          "an image did not load");
      assertEquals(
          Boolean.TRUE,
          js.executeScript(
              "return Array.from(document.images).every(i => i.src.startsWith('data:image/'))"),
          "images must be inline");
      assertEquals(
          0L,
          js.executeScript("return document.querySelectorAll('link[href], script[src]').length"),
          "the page must not load anything from elsewhere");

      screenshot(browser, REPO.resolve("job/target/report-screenshot.png"));
    } finally {
      browser.quit();
    }
  }

  /**
   * The new manifest column: what was applied on ok rows, null where nothing was (the failed
   * input).
   */
  private static void checkManifestPostprocessColumn(Path output, String runId) {
    List<Row> rows =
        spark
            .read()
            .parquet(output.resolve("_manifest").resolve("run_id=" + runId).toString())
            .select("status", "postprocess")
            .collectAsList();
    assertEquals(6, rows.size());
    for (Row r : rows) {
      if (r.getString(0).equals("ok")) {
        assertEquals(POSTPROCESS, r.getString(1));
      } else {
        assertTrue(r.isNullAt(1), r.toString());
      }
    }
  }

  private static String tileValue(ChromeDriver browser, String key) {
    return browser
        .findElement(By.cssSelector("#summary .tile[data-key='" + key + "'] .value"))
        .getText();
  }

  private static ChromeDriver chromium() throws IOException {
    SELENIUM_LOG.setLevel(java.util.logging.Level.SEVERE);
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM);
    options.addArguments(
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--hide-scrollbars",
        "--user-data-dir=" + Files.createTempDirectory(tmp, "chromium-profile"),
        "--window-size=1400,1000");
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(new File(CHROMEDRIVER))
            .usingAnyFreePort()
            .build();
    return new ChromeDriver(service, options);
  }

  /** The whole page: the window is made as tall as the document first. */
  private static void screenshot(ChromeDriver browser, Path target) throws IOException {
    long height =
        (Long) browser.executeScript("return Math.ceil(document.documentElement.scrollHeight)");
    browser.manage().window().setSize(new Dimension(1400, (int) Math.min(height + 20, 12000)));
    byte[] png = browser.getScreenshotAs(OutputType.BYTES);
    Files.createDirectories(target.getParent());
    Files.write(target, png);
    assertTrue(png.length > 10_000, "screenshot too small to show the page");
  }
}
