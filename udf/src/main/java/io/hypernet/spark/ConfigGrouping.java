package io.hypernet.spark;

import java.util.Locale;

/**
 * How rows are grouped by config_id before reconciliation, so that a task meets its
 * configurations one after another instead of interleaved (each meeting may load a hypernet).
 */
public enum ConfigGrouping {
  /** Rows stay in input order: right for one configuration, or input already grouped. */
  NONE,
  /**
   * Each partition sorted by config_id (Spark's external sort; spills, no shuffle) when there
   * are more than 4 valid configurations; up to 4, the batches waiting per configuration fill
   * just as well unsorted, and the rows stay in input order.
   */
  SORT,
  /**
   * Rows shuffled so that each configuration lands in one partition, then sorted: each
   * hypernet is loaded by one task, at the cost of moving every input row.
   */
  REPARTITION;

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
