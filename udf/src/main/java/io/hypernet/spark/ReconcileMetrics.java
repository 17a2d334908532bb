package io.hypernet.spark;

import java.io.Serializable;
import java.util.List;
import java.util.TreeSet;
import org.apache.spark.SparkContext;
import org.apache.spark.util.CollectionAccumulator;
import org.apache.spark.util.LongAccumulator;

/**
 * Driver-visible facts gathered by the tasks: which engines and devices ran, and how many rows
 * went through them (attempts included: authoritative counts come from the written files).
 */
public final class ReconcileMetrics implements Serializable {
  private static final long serialVersionUID = 1L;

  private final LongAccumulator rowsReconciled;
  private final CollectionAccumulator<String> engines;

  ReconcileMetrics(SparkContext sc) {
    this.rowsReconciled = sc.longAccumulator("hypernet rows reconciled");
    this.engines = sc.collectionAccumulator("hypernet engines");
  }

  void recordEngine(String description) {
    engines.add(description);
  }

  void recordRows(long rows) {
    rowsReconciled.add(rows);
  }

  /** Distinct engine/device labels, e.g. [djl/cpu], sorted. */
  public List<String> engines() {
    return List.copyOf(new TreeSet<>(engines.value()));
  }

  public long rowsReconciled() {
    return rowsReconciled.value();
  }
}
