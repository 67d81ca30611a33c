package org.superres.listing;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lower;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.superres.config.ConfigError;

/**
 * An S3 Inventory report, given by its manifest.json: the daily list of a bucket's objects that big
 * S3 users read instead of listing the bucket (as S3 Batch Operations does). The data files (CSV.gz
 * with the columns the manifest's fileSchema names and URL-encoded keys, or ORC, or Parquet) lie in
 * the manifest's destination bucket. Versioned inventories keep only the latest versions that are
 * not delete markers.
 */
final class S3Inventory {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final SparkSession spark;

  S3Inventory(SparkSession spark) {
    this.spark = spark;
  }

  /** The report's objects as columns uri, size, mtime. */
  Dataset<Row> read(String manifestUri) throws IOException {
    Path manifest = new Path(manifestUri);
    JsonNode m;
    try (InputStream in =
        manifest.getFileSystem(spark.sparkContext().hadoopConfiguration()).open(manifest)) {
      m = JSON.readTree(in);
    }
    String format = m.path("fileFormat").asText("").toUpperCase(Locale.ROOT);
    String destination = m.path("destinationBucket").asText("").replaceFirst("^arn:aws:s3:::", "");
    List<String> files = new ArrayList<>();
    for (JsonNode f : m.path("files")) {
      files.add(manifest.toUri().getScheme() + "://" + destination + "/" + f.path("key").asText());
    }
    if (files.isEmpty() || destination.isEmpty()) {
      throw new ConfigError(
          "--input-list "
              + manifestUri
              + ": not an S3 Inventory manifest (no destinationBucket or files)");
    }
    String[] paths = files.toArray(new String[0]);
    Dataset<Row> df;
    switch (format) {
      case "CSV":
        df = spark.read().schema(csvSchema(m.path("fileSchema").asText(), manifestUri)).csv(paths);
        break;
      case "ORC":
        df = spark.read().orc(paths);
        break;
      case "PARQUET":
        df = spark.read().parquet(paths);
        break;
      default:
        throw new ConfigError(
            "--input-list "
                + manifestUri
                + ": inventory format '"
                + format
                + "' (expected CSV, ORC or Parquet)");
    }
    df = latestObjects(df);
    return InputLists.columns(df, manifestUri, format.equals("CSV"));
  }

  /** CSV inventories have no header: the manifest's fileSchema names the columns in order. */
  private static StructType csvSchema(String fileSchema, String manifestUri) {
    if (fileSchema.isEmpty()) {
      throw new ConfigError(
          "--input-list " + manifestUri + ": a CSV inventory manifest needs fileSchema");
    }
    StructType schema = new StructType();
    for (String column : fileSchema.split(",")) {
      schema = schema.add(column.trim(), DataTypes.StringType, true);
    }
    return schema;
  }

  /** Drops old versions and delete markers where the report lists versions. */
  private static Dataset<Row> latestObjects(Dataset<Row> df) {
    for (String c : df.columns()) {
      String k = c.toLowerCase(Locale.ROOT).replace("_", "");
      if (k.equals("islatest")) {
        df = df.filter(lower(col("`" + c + "`").cast(DataTypes.StringType)).equalTo("true"));
      } else if (k.equals("isdeletemarker")) {
        df = df.filter(lower(col("`" + c + "`").cast(DataTypes.StringType)).notEqual("true"));
      }
    }
    return df;
  }
}
