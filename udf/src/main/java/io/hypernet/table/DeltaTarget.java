package io.hypernet.table;

/**
 * A Delta Lake table to write, named by its location ({@code hdfs://nn/tables/W}, {@code
 * s3a://bucket/W}, a local path), as Spark reads it with {@code format("delta").load(location)};
 * created there if missing.
 */
public record DeltaTarget(String location, TableMode mode) implements TableTarget {
  public DeltaTarget {
    if (location == null || location.isBlank()) {
      throw new IllegalArgumentException("a Delta table is named by its location, e.g. "
          + "hdfs://nn/tables/W or /data/W");
    }
  }

  @Override
  public String table() {
    return location;
  }

  @Override
  public String format() {
    return "delta";
  }
}
