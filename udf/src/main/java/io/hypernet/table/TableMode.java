package io.hypernet.table;

/** What a write does to a table; each is one atomic commit. */
public enum TableMode {
  /** Create the table; fail, before writing anything, if it exists. */
  ERROR,
  /** Add this run's rows to the table (created if missing). */
  APPEND,
  /** Replace every row of the table with this run's. */
  OVERWRITE,
  /** Replace only the rows of the config_ids this run wrote; other configurations stay. */
  OVERWRITE_PARTITIONS
}
