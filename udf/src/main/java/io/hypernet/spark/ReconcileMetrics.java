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
  /** One entry per task given a GPU: "stageId\taddress\twaitMs\tholders". */
  private final CollectionAccumulator<String> gpuTasks;

  ReconcileMetrics(SparkContext sc) {
    this.rowsReconciled = sc.longAccumulator(ROWS_ACCUMULATORS.get(0));
    this.rowsRejected = sc.longAccumulator(ROWS_ACCUMULATORS.get(1));
    this.engines = sc.collectionAccumulator("hypernet engines");
    this.gpuTasks = sc.collectionAccumulator("hypernet gpu tasks");
  }

  void recordEngine(String description) {
    TaskContext task = TaskContext.get();
    engines.add((task == null ? -1 : task.stageId()) + "" + SEPARATOR + description);
  }

  /**
   * @param address the GPU address Spark assigned to the task
   * @param waitMs how long the task waited for the device (the GPU semaphore)
   * @param holders tasks using the device when this one got it, itself included; 0 if it never
   *     needed the device
   */
  void recordGpuTask(String address, long waitMs, int holders) {
    TaskContext task = TaskContext.get();
    gpuTasks.add(String.join(String.valueOf(SEPARATOR),
        String.valueOf(task == null ? -1 : task.stageId()), address, String.valueOf(waitMs),
        String.valueOf(holders)));
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

  /** Per Spark stage ("stage 3"), how its tasks given a GPU used it; empty without GPUs. */
  public Map<String, GpuStage> gpuByStage() {
    Map<String, GpuStage> byStage = new TreeMap<>();
    for (String entry : gpuTasks.value()) {
      String[] f = entry.split(String.valueOf(SEPARATOR), -1);
      GpuStage task = new GpuStage(1, List.of(f[1]), Long.parseLong(f[2]),
          Integer.parseInt(f[3]));
      byStage.merge("stage " + f[0], task, GpuStage::plus);
    }
    return byStage;
  }

  /**
   * How one stage's tasks used their GPUs.
   *
   * @param tasks task attempts that were given a GPU
   * @param addresses the distinct GPU addresses they were given, sorted
   * @param waitMs the time they waited for the GPU semaphore, summed
   * @param peakConcurrentTasks the most tasks that used one device at once, as seen by a task
   *     when it got the device (bounded by spark.hypernet.gpu.concurrentTasks)
   */
  public record GpuStage(long tasks, List<String> addresses, long waitMs,
      int peakConcurrentTasks) implements Serializable {
    GpuStage plus(GpuStage other) {
      TreeSet<String> all = new TreeSet<>(addresses);
      all.addAll(other.addresses);
      return new GpuStage(tasks + other.tasks, List.copyOf(all), waitMs + other.waitMs,
          Math.max(peakConcurrentTasks, other.peakConcurrentTasks));
    }
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
