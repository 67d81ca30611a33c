package org.superres.report;

import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Equal-width bins of a manifest figure. Spark counts them for several figures at once in two
 * aggregations (ranges, then bins), so a report over millions of rows never brings the rows
 * themselves to the driver.
 */
public final class Histogram {
  public final double low;
  public final double high;
  public final long[] counts;

  Histogram(double low, double high, long[] counts) {
    this.low = low;
    this.high = high;
    this.counts = counts;
  }

  public long total() {
    long t = 0;
    for (long c : counts) {
      t += c;
    }
    return t;
  }

  public double binWidth() {
    return (high - low) / counts.length;
  }

  /**
   * One histogram per value (rows where it is null are left out); no bins for a value that is
   * always null.
   */
  public static Histogram[] of(Dataset<Row> rows, int bins, Column... values) {
    List<Column> ranges = new ArrayList<>();
    for (Column v : values) {
      Column d = v.cast("double");
      ranges.add(min(d));
      ranges.add(max(d));
      ranges.add(count(d));
    }
    Row r =
        rows.agg(ranges.get(0), ranges.subList(1, ranges.size()).toArray(new Column[0])).first();
    Histogram[] result = new Histogram[values.length];
    List<Column> binCounts = new ArrayList<>();
    double[] lo = new double[values.length];
    double[] width = new double[values.length];
    for (int i = 0; i < values.length; i++) {
      long n = r.getLong(3 * i + 2);
      if (n == 0) {
        result[i] = new Histogram(0, 0, new long[0]);
        continue;
      }
      lo[i] = r.getDouble(3 * i);
      double hi = r.getDouble(3 * i + 1);
      if (hi <= lo[i]) {
        // One value: one bin around it, so the chart still shows where it lies.
        result[i] = new Histogram(lo[i], lo[i] == 0 ? 1 : lo[i] * 1.0001 + 1e-9, new long[] {n});
        continue;
      }
      result[i] = new Histogram(lo[i], hi, new long[bins]);
      width[i] = (hi - lo[i]) / bins;
      Column bin =
          least(floor(values[i].cast("double").minus(lo[i]).divide(width[i])), lit(bins - 1));
      for (int b = 0; b < bins; b++) {
        binCounts.add(sum(when(bin.equalTo(b), 1L).otherwise(0L)).as("h" + i + "_" + b));
      }
    }
    if (binCounts.isEmpty()) {
      return result;
    }
    Row c =
        rows.agg(binCounts.get(0), binCounts.subList(1, binCounts.size()).toArray(new Column[0]))
            .first();
    for (int i = 0; i < values.length; i++) {
      if (width[i] > 0) {
        for (int b = 0; b < bins; b++) {
          Object v = c.getAs("h" + i + "_" + b);
          result[i].counts[b] = v == null ? 0 : ((Number) v).longValue();
        }
      }
    }
    return result;
  }
}
