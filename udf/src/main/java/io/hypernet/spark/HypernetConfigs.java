package io.hypernet.spark;

import io.hypernet.spark.internal.ParquetFooters;
import io.hypernet.config.ConfigRow;
import io.hypernet.config.ConfigValidator;
import io.hypernet.config.SizeLimits;
import io.hypernet.text.BoundedText;
import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.example.GroupReadSupport;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The configurations of a reconciliation, one row per hypernet (REFERENCE.md, "Configurations"),
 * read from a Parquet table or taken from any DataFrame, before validation. Small by nature, so
 * held on the driver; serializable so that an ML pipeline can save them.
 */
public final class HypernetConfigs implements Serializable {
  private static final long serialVersionUID = 1L;

  /** The columns and the types they may have (sizes may also be stored as longs or shorts). */
  private static final Map<String, List<DataType>> COLUMNS = Map.of(
      "config_id", List.of(DataTypes.StringType),
      "l", List.of(DataTypes.IntegerType, DataTypes.LongType, DataTypes.ShortType),
      "n", List.of(DataTypes.IntegerType, DataTypes.LongType, DataTypes.ShortType),
      "D", List.of(DataTypes.IntegerType, DataTypes.LongType, DataTypes.ShortType),
      "hidden_dim", List.of(DataTypes.IntegerType, DataTypes.LongType, DataTypes.ShortType),
      "seed", List.of(DataTypes.LongType, DataTypes.IntegerType),
      "static", List.of(DataTypes.BooleanType),
      "activation", List.of(DataTypes.StringType),
      "weights", List.of(DataTypes.StringType),
      "init", List.of(DataTypes.StringType));
  /** The order of {@link #toDF}'s columns. */
  private static final List<String> ORDER = List.of("config_id", "l", "n", "D", "hidden_dim",
      "seed", "static", "activation", "weights", "init");
  private static final List<String> REQUIRED = List.of("config_id", "l", "n", "D");

  private final List<ConfigRow> rows;
  private final String source;
  private final String weightsBase;

  private HypernetConfigs(List<ConfigRow> rows, String source, String weightsBase) {
    this.rows = List.copyOf(rows);
    this.source = source;
    this.weightsBase = weightsBase;
  }

  /**
   * Reads a Parquet configurations table (a file, a directory or a glob) on the driver with
   * parquet-java: no Spark job, which costs about a second in a fresh JVM. Relative
   * {@code weights} paths resolve against the table's directory.
   *
   * @throws InvalidConfigsException the path is missing, holds no Parquet, is not readable, or
   *     a required column is missing or of the wrong type
   */
  public static HypernetConfigs read(SparkSession spark, String path) {
    return read(spark, path, Map.of());
  }

  /**
   * {@link #read(SparkSession, String)} of a table whose columns have other names.
   *
   * @param columns the table's name of each configuration column named differently, e.g.
   *     {@code config_id -> cfg, D -> cols}
   */
  public static HypernetConfigs read(SparkSession spark, String path,
      Map<String, String> columns) {
    Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    List<FileStatus> files = dataFiles(hadoop, path);
    List<ConfigRow> rows = new ArrayList<>();
    Map<String, String> names = mapping(columns);
    try {
      checkSchema(standardNames(ParquetFooters.sparkSchema(hadoop, spark.sessionState().conf(),
          files.get(0)), names, "configs " + path), "configs " + path);
      for (FileStatus file : files) {
        try (ParquetReader<Group> reader = ParquetReader.builder(new GroupReadSupport(),
            file.getPath()).withConf(hadoop).build()) {
          for (Group r = reader.read(); r != null; r = reader.read()) {
            rows.add(new ConfigRow(stringOrNull(r, names.get("config_id")),
                longOrNull(r, names.get("l")), longOrNull(r, names.get("n")),
                longOrNull(r, names.get("D")), longOrNull(r, names.get("hidden_dim")),
                longOrNull(r, names.get("seed")), has(r, names.get("static"))
                    ? r.getBoolean(names.get("static"), 0) : null,
                stringOrNull(r, names.get("activation")), stringOrNull(r, names.get("weights")),
                stringOrNull(r, names.get("init")), path));
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      if (e instanceof InvalidConfigsException) {
        throw (InvalidConfigsException) e;
      }
      throw new InvalidConfigsException("configs path " + path + " is not readable Parquet: "
          + BoundedText.firstLine(e), e);
    }
    return new HypernetConfigs(rows, path, directoryOf(hadoop, path));
  }

  /**
   * The configurations in a DataFrame with the table's columns (others are ignored), collected
   * to the driver. Relative {@code weights} paths resolve against the default filesystem's
   * working directory.
   *
   * @throws InvalidConfigsException a required column is missing or of the wrong type
   */
  public static HypernetConfigs of(Dataset<Row> configs) {
    return of(configs, Map.of());
  }

  /**
   * {@link #of(Dataset)} of a DataFrame whose columns have other names.
   *
   * @param columns the DataFrame's name of each configuration column named differently
   */
  public static HypernetConfigs of(Dataset<Row> configs, Map<String, String> columns) {
    Map<String, String> names = mapping(columns);
    checkSchema(standardNames(configs.schema(), names, "configs DataFrame"),
        "configs DataFrame");
    List<Column> selected = new ArrayList<>();
    for (Map.Entry<String, String> e : names.entrySet()) {
      if (List.of(configs.columns()).contains(e.getValue())) {
        selected.add(configs.col(e.getValue()).as(e.getKey()));
      }
    }
    List<Row> collected = configs.select(selected.toArray(new Column[0])).collectAsList();
    List<ConfigRow> rows = new ArrayList<>();
    for (Row r : collected) {
      rows.add(new ConfigRow(value(r, "config_id"), size(r, "l"), size(r, "n"), size(r, "D"),
          size(r, "hidden_dim"), size(r, "seed"), value(r, "static"), value(r, "activation"),
          value(r, "weights"), value(r, "init"), "configs DataFrame"));
    }
    Configuration hadoop = configs.sparkSession().sparkContext().hadoopConfiguration();
    try {
      FileSystem fs = FileSystem.get(hadoop);
      return new HypernetConfigs(rows, "DataFrame", fs.getWorkingDirectory().toString());
    } catch (IOException e) {
      throw new InvalidConfigsException("the default filesystem cannot be reached to resolve "
          + "relative weights paths: " + e.getMessage(), e);
    }
  }

  /** Validates every row: the valid configurations and the invalid ones with their reasons. */
  public ConfigValidator.Result validate(SizeLimits limits) {
    return new ConfigValidator(limits, weightsBase).validate(rows);
  }

  /** The rows as read, before defaults and validation. */
  public List<ConfigRow> rows() {
    return rows;
  }

  public int size() {
    return rows.size();
  }

  /** Where the rows came from: the table's path, or "DataFrame". */
  public String source() {
    return source;
  }

  /** The rows as a DataFrame with the table's columns, e.g. to save them. */
  public Dataset<Row> toDF(SparkSession spark) {
    StructType schema = new StructType()
        .add("config_id", DataTypes.StringType)
        .add("l", DataTypes.LongType)
        .add("n", DataTypes.LongType)
        .add("D", DataTypes.LongType)
        .add("hidden_dim", DataTypes.LongType)
        .add("seed", DataTypes.LongType)
        .add("static", DataTypes.BooleanType)
        .add("activation", DataTypes.StringType)
        .add("weights", DataTypes.StringType)
        .add("init", DataTypes.StringType);
    List<Row> out = new ArrayList<>();
    for (ConfigRow r : rows) {
      out.add(RowFactory.create(r.configId(), r.l(), r.n(), r.d(), r.hiddenDim(), r.seed(),
          r.isStatic(), r.activation(), r.weights() == null ? null : resolved(r.weights()),
          r.init()));
    }
    return spark.createDataFrame(out, schema);
  }

  /** A relative weights path made absolute, so that saved configurations keep their meaning. */
  private String resolved(String weights) {
    if (weights.isBlank() || new Path(weights).isAbsoluteAndSchemeAuthorityNull()
        || weights.contains(":")) {
      return weights;
    }
    return new Path(new Path(weightsBase), weights).toString();
  }

  /** Every configuration column's name in the table: as given, else its own. */
  private static Map<String, String> mapping(Map<String, String> columns) {
    Map<String, String> names = new java.util.LinkedHashMap<>();
    for (String name : ORDER) {
      names.put(name, name);
    }
    for (Map.Entry<String, String> e : columns.entrySet()) {
      if (!COLUMNS.containsKey(e.getKey())) {
        throw new InvalidConfigsException("cannot map '" + e.getKey() + "': the configuration "
            + "columns are " + String.join(", ", ORDER), null);
      }
      names.put(e.getKey(), e.getValue());
    }
    return names;
  }

  /**
   * The schema with each mapped column under its configuration name; a mapped column that is
   * not there is named, and so is a clash between a mapped and an unmapped column.
   */
  private static StructType standardNames(StructType schema, Map<String, String> names,
      String what) {
    List<String> present = List.of(schema.fieldNames());
    StructType renamed = new StructType();
    for (StructField field : schema.fields()) {
      String standard = field.name();
      for (Map.Entry<String, String> e : names.entrySet()) {
        if (e.getValue().equals(field.name())) {
          standard = e.getKey();
        } else if (e.getKey().equals(field.name()) && !e.getValue().equals(e.getKey())) {
          standard = "(unmapped) " + field.name(); // the table's own column of that name
        }
      }
      renamed = renamed.add(standard, field.dataType(), field.nullable());
    }
    for (Map.Entry<String, String> e : names.entrySet()) {
      if (!e.getKey().equals(e.getValue()) && !present.contains(e.getValue())) {
        throw new InvalidConfigsException(what + ": column '" + e.getValue() + "' (mapped to "
            + e.getKey() + ") is missing (columns: " + String.join(", ", present) + ")", null);
      }
    }
    return renamed;
  }

  private static void checkSchema(StructType schema, String what) {
    List<String> columns = List.of(schema.fieldNames());
    for (String column : REQUIRED) {
      if (!columns.contains(column)) {
        throw new InvalidConfigsException(what + ": required column '" + column
            + "' is missing (columns: " + String.join(", ", columns) + ")", null);
      }
    }
    for (StructField field : schema.fields()) {
      List<DataType> allowed = COLUMNS.get(field.name());
      if (allowed != null && !allowed.contains(field.dataType())) {
        throw new InvalidConfigsException(what + ": column '" + field.name() + "' has type "
            + field.dataType().simpleString() + "; expected " + allowed.get(0).simpleString(),
            null);
      }
    }
  }

  private static List<FileStatus> dataFiles(Configuration hadoop, String path) {
    Path p = new Path(path);
    try {
      FileSystem fs = p.getFileSystem(hadoop);
      FileStatus[] matches = fs.globStatus(p); // the path itself, or what a glob matches
      if (matches == null || matches.length == 0) {
        throw new InvalidConfigsException("configs path " + path + " does not exist", null);
      }
      List<FileStatus> files = ParquetFooters.dataFiles(fs, matches);
      if (files.isEmpty()) {
        throw new InvalidConfigsException("configs path " + path + " holds no Parquet files",
            null);
      }
      return files;
    } catch (IOException e) {
      throw new InvalidConfigsException("configs path " + path + " cannot be read: "
          + e.getMessage(), e);
    }
  }

  /** The configs path when it is a directory, else (a file or a glob) its parent; qualified. */
  private static String directoryOf(Configuration hadoop, String path) {
    Path p = new Path(path);
    try {
      FileSystem fs = p.getFileSystem(hadoop);
      Path qualified = fs.makeQualified(p);
      return fs.exists(qualified) && fs.getFileStatus(qualified).isDirectory()
          ? qualified.toString() : qualified.getParent().toString();
    } catch (IOException e) {
      throw new InvalidConfigsException("configs path " + path + " cannot be read: "
          + e.getMessage(), e);
    }
  }

  private static boolean has(Group r, String column) {
    return r.getType().containsField(column) && r.getFieldRepetitionCount(column) > 0;
  }

  /** An integer column of any allowed width (the schema check admits int16/32/64 only). */
  private static Long longOrNull(Group r, String column) {
    if (!has(r, column)) {
      return null;
    }
    return r.getType().getType(column).asPrimitiveType().getPrimitiveTypeName()
        == PrimitiveType.PrimitiveTypeName.INT64 ? r.getLong(column, 0)
        : (long) r.getInteger(column, 0);
  }

  private static String stringOrNull(Group r, String column) {
    return has(r, column) ? r.getString(column, 0) : null;
  }

  @SuppressWarnings("unchecked")
  private static <T> T value(Row r, String column) {
    int i = List.of(r.schema().fieldNames()).indexOf(column);
    return i < 0 || r.isNullAt(i) ? null : (T) r.get(i);
  }

  private static Long size(Row r, String column) {
    Number n = value(r, column);
    return n == null ? null : n.longValue();
  }
}
