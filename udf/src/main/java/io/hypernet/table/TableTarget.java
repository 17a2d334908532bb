package io.hypernet.table;

/** A table to write the reconciled rows to, in one format, and the mode of the write. */
public sealed interface TableTarget permits IcebergTarget, DeltaTarget {
  /** The table as users name it: {@code db.W} in a catalog, or a Delta table's location. */
  String table();

  TableMode mode();

  /** The format's name, as {@code --output-format} takes it. */
  String format();
}
