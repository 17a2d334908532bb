package io.hypernet.table;

import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.SparkConf;
import scala.Tuple2;

/**
 * An Iceberg table to write: the catalog as Spark users configure one ({@code
 * spark.sql.catalog.<catalog>.type}, {@code .warehouse}, {@code .uri}, ...), the table's name in
 * it ({@code db.W}) and the mode.
 *
 * @param catalogProperties the catalog's properties without the {@code spark.sql.catalog.<name>.}
 *     prefix, e.g. {@code type=hadoop, warehouse=hdfs://nn/warehouse}
 */
public record IcebergTarget(String catalog, Map<String, String> catalogProperties, String table,
    TableMode mode) implements TableTarget {
  public IcebergTarget {
    catalogProperties = Map.copyOf(catalogProperties);
    if (!table.matches("[^.\\s]+(\\.[^.\\s]+)+")) {
      throw new IllegalArgumentException("table " + table + " must be named namespace.table, "
          + "e.g. db.W");
    }
  }

  @Override
  public String format() {
    return "iceberg";
  }

  /** The catalog configured in {@code conf} as {@code spark.sql.catalog.<catalog>.*}. */
  public static IcebergTarget fromSparkConf(SparkConf conf, String catalog, String table,
      TableMode mode) {
    String prefix = "spark.sql.catalog." + catalog + ".";
    Map<String, String> properties = new TreeMap<>();
    for (Tuple2<String, String> entry : conf.getAllWithPrefix(prefix)) {
      properties.put(entry._1(), entry._2());
    }
    if (!properties.containsKey("type") && !properties.containsKey("catalog-impl")) {
      throw new IllegalArgumentException("catalog " + catalog + " is not configured: set "
          + prefix + "type (hadoop, hive, rest, jdbc, ...) and its settings, e.g. " + prefix
          + "warehouse for a Hadoop catalog");
    }
    return new IcebergTarget(catalog, properties, table, mode);
  }
}
