package io.hypernet.spark;

import java.io.Serializable;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.spark.SparkContext;
import org.apache.spark.TaskContext;
import org.apache.spark.util.CollectionAccumulator;
import org.apache.spark.util.LongAccumulator;

/**
 * Driver-visible facts gathered by the tasks: which engines and devices ran in which Spark stage,
 * and how many rows they reconciled or passed over as rejected. Authoritative counts come from
 * the written files; these drive progress and whether the rejects need a pass of their own.
 */
public final class ReconcileMetrics implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final char SEPARATOR = '\t';
  /**
   * Tasks add the rows they have handled (reconciled, or passed over as rejected) to these as
   * they go; executor heartbeats carry them to the driver.
   */
  public static final List<String> ROWS_ACCUMULATORS =
      List.of("hypernet rows reconciled", "hypernet rows rejected");

  private final LongAccumulator rowsReconciled;
  private final LongAccumulator rowsRejected;
  /** One entry per task: "stageId\tengine/device". */
  private final CollectionAccumulator<String> engines;

  ReconcileMetrics(SparkContext sc) {
    this.rowsReconciled = sc.longAccumulator(ROWS_ACCUMULATORS.get(0));
    this.rowsRejected = sc.longAccumulator(ROWS_ACCUMULATORS.get(1));
    this.engines = sc.collectionAccumulator("hypernet engines");
  }

  void recordEngine(String description) {
    TaskContext task = TaskContext.get();
    engines.add((task == null ? -1 : task.stageId()) + "" + SEPARATOR + description);
  }

  void recordRows(long rows) {
    rowsReconciled.add(rows);
  }

  void recordRejected(long rows) {
    rowsRejected.add(rows);
  }

  /** Distinct engine/device labels, e.g. [djl/cpu], sorted. */
  public List<String> engines() {
    TreeSet<String> labels = new TreeSet<>();
    engines.value().forEach(e -> labels.add(e.substring(e.indexOf(SEPARATOR) + 1)));
    return List.copyOf(labels);
  }

  /** Per Spark stage ("stage 3"), how many tasks ran on each engine/device, e.g. jvm/cpu=4. */
  public Map<String, Map<String, Long>> enginesByStage() {
    Map<String, Map<String, Long>> byStage = new TreeMap<>();
    for (String entry : engines.value()) {
      int tab = entry.indexOf(SEPARATOR);
      byStage.computeIfAbsent("stage " + entry.substring(0, tab), k -> new TreeMap<>())
          .merge(entry.substring(tab + 1), 1L, Long::sum);
    }
    return byStage;
  }

  public long rowsReconciled() {
    return rowsReconciled.value();
  }

  /**
   * Rejected rows the reconciliation pass went past. Spark applies an action's accumulator
   * updates once per partition, so after a completed pass 0 means the input had no bad row.
   */
  public long rowsRejected() {
    return rowsRejected.value();
  }
}
