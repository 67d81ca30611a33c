package org.superres.listing;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.superres.config.ConfigError;
import org.superres.config.JobSettings;
import org.superres.output.OutputLayout;
import org.superres.output.Uris;

/**
 * A run's inputs as a Dataset of {@link ListedFile} rows: the trees, globs and files of --input and
 * the lists of --input-list, minus the run's own output tree when it lies inside an input (so a
 * rerun lists exactly what the first run listed).
 */
public final class InputSource {
  private InputSource() {}

  public static Dataset<Row> listed(SparkSession spark, JobSettings settings, OutputLayout layout)
      throws IOException {
    ListingRules rules =
        new ListingRules(settings.extensions, List.of(layout.root()), settings.followLinks);
    List<Dataset<Row>> parts = new ArrayList<>();
    if (!settings.inputs.isEmpty()) {
      parts.add(
          TreeListing.ofInputs(spark, rules, settings.listingParallelThreshold)
              .list(settings.inputs));
    }
    if (!settings.inputLists.isEmpty()) {
      parts.add(
          new InputLists(spark, rules)
              .read(settings.inputLists, settings.inputs.size(), settings.inputRoot));
    }
    if (parts.size() == 1) {
      return parts.get(0);
    }
    return TreeListing.dedupe(parts.get(0).union(parts.get(1)));
  }

  /**
   * Refuses, before Spark starts, an input inside the output tree: its listing would take the run's
   * own outputs as inputs. (An output inside an input is fine: it is left out of the listing.)
   */
  public static void checkNotInsideOutput(JobSettings settings) {
    String output = Uris.normalised(settings.outputUri);
    List<String> inputs = new ArrayList<>(settings.inputs);
    inputs.addAll(settings.inputLists);
    if (settings.inputRoot != null) {
      inputs.add(settings.inputRoot);
    }
    for (String input : inputs) {
      String in = Uris.normalised(Uris.beforeWildcards(input));
      if (in.equals(output) || in.startsWith(output + "/")) {
        throw new ConfigError(
            "--input "
                + input
                + " is inside --output "
                + settings.outputUri
                + ": the run would take its own outputs as inputs; write the output elsewhere");
      }
    }
  }
}
