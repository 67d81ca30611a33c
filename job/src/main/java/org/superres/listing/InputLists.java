package org.superres.listing;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.Serializable;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.util.SerializableConfiguration;
import org.superres.config.ConfigError;

/**
 * Reads --input-list sources into {@link ListedFile} rows, as Datasets (the driver never holds the
 * list): plain text (one URI a line), CSV or TSV with a header, Parquet, and S3 Inventory reports
 * ({@link S3Inventory}). A list names its URI column uri, url, path or input_uri (or bucket and
 * key, as inventories do), and may give size and modification-time columns; inputs whose list gave
 * neither are looked up once each, by an executor. Names are filtered as a listing filters them.
 */
public final class InputLists {
  private static final String[] URI_COLUMNS = {"uri", "url", "path", "input_uri"};
  private static final String[] SIZE_COLUMNS = {"size", "bytes", "input_bytes"};
  private static final String[] TIME_COLUMNS = {
    "mtime", "last_modified", "last_modified_date", "lastmodifieddate", "modification_time"
  };

  private final SparkSession spark;
  private final ListingRules rules;

  public InputLists(SparkSession spark, ListingRules rules) {
    this.spark = spark;
    this.rules = rules;
  }

  /**
   * @param lists the --input-list URIs
   * @param firstSource the source index of the first list (after the --input ones)
   * @param inputRoot the listing root of their inputs, or null for their common directory
   */
  public Dataset<Row> read(List<String> lists, int firstSource, String inputRoot)
      throws IOException {
    Dataset<Row> all = null;
    for (int i = 0; i < lists.size(); i++) {
      Dataset<Row> one = normalised(lists.get(i)).withColumn("source", lit(firstSource + i));
      all = all == null ? one : all.unionByName(one);
    }
    String root = inputRoot != null ? qualifiedDir(inputRoot) : commonDirectory(all);
    Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    Dataset<Row> listed =
        spark.createDataFrame(
            all.javaRDD()
                .mapPartitions(new ToListed(rules, root, new SerializableConfiguration(hadoop))),
            ListedFile.SCHEMA);
    return TreeListing.dedupe(listed);
  }

  /** A list as columns uri (string), size (long, nullable) and mtime (epoch ms, nullable). */
  private Dataset<Row> normalised(String list) throws IOException {
    String name = new Path(list).getName().toLowerCase(Locale.ROOT);
    if (name.equals("manifest.json")) {
      return new S3Inventory(spark).read(list);
    }
    if (name.endsWith(".parquet") || isDirectory(list)) {
      return columns(spark.read().parquet(list), list, false);
    }
    String plain = name.replaceFirst("\\.(gz|bz2)$", "");
    if (plain.endsWith(".csv") || plain.endsWith(".tsv")) {
      Dataset<Row> csv =
          spark
              .read()
              .option("header", "true")
              .option("sep", plain.endsWith(".tsv") ? "\t" : ",")
              .csv(list);
      return columns(csv, list, false);
    }
    Dataset<Row> text =
        spark.read().text(list).filter("trim(value) != '' and not trim(value) like '#%'");
    return text.select(
        org.apache.spark.sql.functions.trim(col("value")).as("uri"),
        lit(null).cast(DataTypes.LongType).as("size"),
        lit(null).cast(DataTypes.LongType).as("mtime"));
  }

  /** Picks the URI (or bucket + key), size and time columns of a list, whatever they are called. */
  static Dataset<Row> columns(Dataset<Row> df, String list, boolean keysUrlEncoded) {
    Map<String, String> byLower = new java.util.HashMap<>();
    for (String c : df.columns()) {
      byLower.put(c.toLowerCase(Locale.ROOT).replace(" ", "_"), c);
    }
    Column uri = null;
    for (String c : URI_COLUMNS) {
      if (byLower.containsKey(c)) {
        uri = col(quoted(byLower.get(c)));
        break;
      }
    }
    if (uri == null && byLower.containsKey("bucket") && byLower.containsKey("key")) {
      Column key = col(quoted(byLower.get("key")));
      if (keysUrlEncoded) {
        key =
            org.apache.spark.sql.functions.expr(
                "reflect('java.net.URLDecoder', 'decode', "
                    + quoted(byLower.get("key"))
                    + ", 'UTF-8')");
      }
      uri = concat(lit("s3a://"), col(quoted(byLower.get("bucket"))), lit("/"), key);
    }
    if (uri == null) {
      throw new ConfigError(
          "--input-list "
              + list
              + ": no URI column (expected a header naming uri, url, path or input_uri, or bucket and"
              + " key); columns: "
              + String.join(", ", df.columns()));
    }
    Column size = lit(null).cast(DataTypes.LongType);
    for (String c : SIZE_COLUMNS) {
      if (byLower.containsKey(c)) {
        size = col(quoted(byLower.get(c))).cast(DataTypes.LongType);
        break;
      }
    }
    Column mtime = lit(null).cast(DataTypes.LongType);
    for (String c : TIME_COLUMNS) {
      if (byLower.containsKey(c)) {
        mtime = epochMillis(df, byLower.get(c));
        break;
      }
    }
    return df.select(uri.as("uri"), size.as("size"), mtime.as("mtime"));
  }

  /** A time column as epoch ms: timestamps as they are, numbers as epoch ms, text as ISO-8601. */
  private static Column epochMillis(Dataset<Row> df, String column) {
    org.apache.spark.sql.types.DataType type = df.schema().apply(column).dataType();
    String c = quoted(column);
    if (type instanceof org.apache.spark.sql.types.NumericType) {
      return col(c).cast(DataTypes.LongType);
    }
    if (type.equals(DataTypes.TimestampType)) {
      return org.apache.spark.sql.functions.expr("unix_millis(" + c + ")");
    }
    return org.apache.spark.sql.functions.expr("unix_millis(to_timestamp(" + c + "))");
  }

  private static String quoted(String column) {
    return "`" + column.replace("`", "``") + "`";
  }

  private boolean isDirectory(String uri) throws IOException {
    Path p = new Path(uri);
    try {
      return p.getFileSystem(spark.sparkContext().hadoopConfiguration())
          .getFileStatus(p)
          .isDirectory();
    } catch (FileNotFoundException e) {
      throw new ConfigError("--input-list " + uri + ": no such file or directory");
    }
  }

  private String qualifiedDir(String dir) throws IOException {
    Path p = new Path(dir);
    String q =
        p.getFileSystem(spark.sparkContext().hadoopConfiguration()).makeQualified(p).toString();
    return q.endsWith("/") ? q.substring(0, q.length() - 1) : q;
  }

  /**
   * The longest common directory of all URIs: that of the smallest and the largest URI (in string
   * order every other one shares their common prefix), cut back to a '/'.
   */
  private static String commonDirectory(Dataset<Row> all) {
    Row r = all.agg(min(col("uri")), max(col("uri"))).first();
    if (r.isNullAt(0)) {
      return "";
    }
    String a = r.getString(0);
    String b = r.getString(1);
    int n = 0;
    while (n < a.length() && n < b.length() && a.charAt(n) == b.charAt(n)) {
      n++;
    }
    String prefix = a.substring(0, n);
    int slash = prefix.lastIndexOf('/');
    return slash < 0 ? "" : prefix.substring(0, slash);
  }

  /** Executor side: a list row as a listed input, looked up when the list did not say its size. */
  static final class ToListed implements FlatMapFunction<Iterator<Row>, Row>, Serializable {
    private static final long serialVersionUID = 1L;
    private final ListingRules rules;
    private final String root;
    private final SerializableConfiguration hadoop;

    ToListed(ListingRules rules, String root, SerializableConfiguration hadoop) {
      this.rules = rules;
      this.root = root;
      this.hadoop = hadoop;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
      Configuration conf = hadoop.value();
      return new java.util.Iterator<Row>() {
        private Row next;

        @Override
        public boolean hasNext() {
          while (next == null && rows.hasNext()) {
            next = listed(rows.next(), conf);
          }
          return next != null;
        }

        @Override
        public Row next() {
          if (!hasNext()) {
            throw new java.util.NoSuchElementException();
          }
          Row r = next;
          next = null;
          return r;
        }
      };
    }

    /** The listing row of a list row, or null when its name is not an input's. */
    private Row listed(Row r, Configuration conf) {
      try {
        String uri = qualified(r.getString(0), conf);
        String relative = TreeWalker.relative(uri, root);
        if (!listable(relative)) {
          return null;
        }
        Long size = r.isNullAt(1) ? null : r.getLong(1);
        Long mtime = r.isNullAt(2) ? null : r.getLong(2);
        if (size == null || mtime == null) {
          FileStatus s = status(uri, conf);
          if (s != null) {
            size = size != null ? size : s.getLen();
            mtime = mtime != null ? mtime : s.getModificationTime();
          }
        }
        return new ListedFile(uri, relative, size, mtime, null, false, null, r.getInt(3)).toRow();
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }

    /** Accepted name, and no hidden directory between the root and the file. */
    private boolean listable(String relative) {
      String[] parts = relative.split("/");
      for (int i = 0; i < parts.length - 1; i++) {
        if (ListingRules.hidden(parts[i])) {
          return false;
        }
      }
      return rules.accepted(parts[parts.length - 1]);
    }

    private static String qualified(String uri, Configuration conf) throws IOException {
      Path p = new Path(uri);
      return p.getFileSystem(conf).makeQualified(p).toString();
    }

    private static FileStatus status(String uri, Configuration conf) throws IOException {
      Path p = new Path(uri);
      try {
        return p.getFileSystem(conf).getFileStatus(p);
      } catch (FileNotFoundException e) {
        return null; // its row will say it is missing
      }
    }
  }
}
