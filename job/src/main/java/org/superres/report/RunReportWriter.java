package org.superres.report;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.superres.manifest.RunSummary;
import org.superres.output.OutputLayout;

/**
 * Driver side of the run report: gathers the data, renders the page and writes
 * _runs/RUN_ID/report.html. The report is a view of a finished run: if it cannot be made, that is
 * logged and the run's exit code stays what the manifest decided.
 */
public final class RunReportWriter {
  private static final Logger LOG = LoggerFactory.getLogger(RunReportWriter.class);
  public static final String FILE_NAME = "report.html";

  private RunReportWriter() {}

  /**
   * Writes the report of a finished run and returns its URI, or null (logged) when it could not be
   * written.
   *
   * @param postprocess the run's post-processing (PostProcess.description()), null when off
   */
  public static String writeQuietly(
      Dataset<Row> manifest,
      RunSummary summary,
      OutputLayout layout,
      int gallerySamples,
      String postprocess,
      Configuration hadoop) {
    String runId = summary.runId;
    String uri = layout.runDir(runId) + "/" + FILE_NAME;
    try {
      RunReportData data =
          RunReportData.collect(manifest, summary, layout, gallerySamples, postprocess, hadoop);
      write(uri, RunReportPage.render(data), hadoop);
      LOG.info("run {}: report {}", runId, uri);
      return uri;
    } catch (IOException | RuntimeException e) {
      LOG.warn("run {}: could not write the HTML report {}: {}", runId, uri, e.toString(), e);
      return null;
    }
  }

  static void write(String uri, String html, Configuration hadoop) throws IOException {
    Path p = new Path(uri);
    FileSystem fs = p.getFileSystem(hadoop);
    try (OutputStream out = fs.create(p, true)) {
      out.write(html.getBytes(StandardCharsets.UTF_8));
    }
  }
}
