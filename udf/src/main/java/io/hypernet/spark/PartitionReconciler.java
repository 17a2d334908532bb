package io.hypernet.spark;

import io.hypernet.spark.internal.ExecutorReconcilers;
import io.hypernet.spark.internal.ExecutorSettings;
import io.hypernet.spark.internal.TestHooks;
import io.hypernet.spark.internal.gpu.TaskGpu;
import io.hypernet.config.HypernetConfig;
import io.hypernet.engine.ReconciliationEngine;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeArrayData;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.unsafe.Platform;
import org.apache.spark.unsafe.types.UTF8String;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The per-partition core: streams classified rows ({@code id, config_id, w, reason}), counts and
 * skips the rejected ones (non-null reason), groups the others into per-config batches, runs each
 * full batch through the executor's engine, and yields {@code (id, config_id, n, D, W)} rows; or,
 * in the {@link PassThrough} layout, every input column plus W, bad rows as its policy says. A
 * batch leases its hypernet from {@link ExecutorReconcilers} only for its engine call, so a task
 * holds at most one lease however many configurations it meets, and the cache's bound holds.
 * Memory is bounded by the batch sizes, never by the partition: at most {@code 4 × batch} rows,
 * and at most four batch buffers' worth of w
 * ({@link ReconcileOptions#MAX_BATCH_BUFFER_FLOATS}), wait across configurations before the
 * largest batch is flushed early.
 */
final class PartitionReconciler implements Iterator<InternalRow> {
  private static final Logger LOG = LoggerFactory.getLogger(PartitionReconciler.class);
  static final int REASON_ORDINAL = 3;
  /**
   * Batches that may wait at once: with at most this many configurations a partition's rows may
   * come in any order and every batch but each configuration's last is still full.
   */
  static final int PENDING_BATCHES = 4;
  private static final long MAX_PENDING_FLOATS =
      PENDING_BATCHES * ReconcileOptions.MAX_BATCH_BUFFER_FLOATS;

  private final Iterator<InternalRow> input;
  private final HypernetCatalog catalog;
  private final ReconcileOptions options;
  private final DataType idType;
  private final ReconcileMetrics metrics;
  private final TaskGpu gpu;
  /** Null for the job's layout. */
  private final PassThrough passThrough;
  private final ExecutorSettings settings = ExecutorSettings.current();
  private final ExecutorReconcilers cache = ExecutorReconcilers.get();
  private final TestHooks.TaskFault fault = TestHooks.taskFault(settings);
  private final ReconciliationEngine engine;
  private final Map<UTF8String, Pending> pending = new HashMap<>();
  private final int maxPendingRows;
  private int pendingRows;
  private long pendingFloats;
  private float[] out = new float[0];
  private Pending emitting;
  /** The emitting batch's ids. */
  private Object[] emittingIds;
  private int emitIndex;
  private int emitCount;
  /** A bad row kept under {@link OnBadRow#KEEP}, emitted on its own (then no batch is). */
  private InternalRow keptBadRow;
  private long rowsDone;
  private int batchesDone;

  PartitionReconciler(Iterator<InternalRow> input, HypernetCatalog catalog,
      ReconcileOptions options, DataType idType, ReconcileMetrics metrics,
      PassThrough passThrough) {
    this.input = input;
    this.passThrough = passThrough;
    this.catalog = catalog;
    this.options = options;
    this.idType = idType;
    this.metrics = metrics;
    this.maxPendingRows = PENDING_BATCHES * options.batchSize();
    this.gpu = TaskGpu.forCurrentTask(settings.gpu(), metrics::recordGpuTask);
    this.engine = cache.engine(options.engine(), gpu.ordinal());
    metrics.recordEngine(engine.description());
  }

  @Override
  public boolean hasNext() {
    while (emitIndex >= emitCount) {
      if (!flushNextBatch()) {
        logDone();
        return false;
      }
    }
    return true;
  }

  @Override
  public InternalRow next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    int i = emitIndex++;
    if (keptBadRow != null) {
      return passThrough.rejected(keptBadRow);
    }
    int size = emitting.config.outputSize();
    // A batch's W fits one array (batchSizeFor), so its byte offset fits an int.
    UnsafeArrayData w = UnsafeArrayData.fromPrimitiveArray(out,
        Math.toIntExact(Platform.FLOAT_ARRAY_OFFSET + (long) i * size * Float.BYTES), size,
        Float.BYTES);
    if (passThrough != null) {
      return passThrough.reconciled(emitting.rows[i], w);
    }
    return new GenericInternalRow(new Object[] {emittingIds[i], emitting.configId,
        emitting.config.n(), emitting.config.d(), w});
  }

  /**
   * For writers that take whole batches instead of rows: computes the next batch, exposed by the
   * {@code batch*} accessors until the next call; false at the end of the partition.
   */
  boolean advanceBatch() {
    emitIndex = emitCount;
    if (!flushNextBatch()) {
      logDone();
      return false;
    }
    emitIndex = emitCount;
    return true;
  }

  int batchRows() {
    return emitCount;
  }

  /** The id of row i of the batch: Long, Integer, Short, Byte, UTF8String or byte[]. */
  Object batchId(int i) {
    return emittingIds[i];
  }

  UTF8String batchConfigId() {
    return emitting.configId;
  }

  HypernetConfig batchConfig() {
    return emitting.config;
  }

  /** W of row i at [i·n·D, (i+1)·n·D). */
  float[] batchValues() {
    return out;
  }

  /** Reads input until a batch is ready, computes it into {@link #out}; false at the end. */
  private boolean flushNextBatch() {
    while (input.hasNext()) {
      InternalRow row = input.next();
      if (!row.isNullAt(REASON_ORDINAL)) {
        metrics.recordRejected(1);
        if (passThrough == null || passThrough.onBadRow() == OnBadRow.DROP) {
          continue;
        }
        if (passThrough.onBadRow() == OnBadRow.FAIL) {
          throw new BadRowException("a row could not be reconciled ("
              + row.getUTF8String(REASON_ORDINAL) + "): "
              + row.getUTF8String(PassThrough.DETAIL_ORDINAL));
        }
        keptBadRow = row.copy();
        emitIndex = 0;
        emitCount = 1;
        return true;
      }
      Pending batch = pendingFor(row.getUTF8String(1));
      batch.add(row);
      pendingRows++;
      pendingFloats += batch.l;
      if (batch.count == batch.capacity) {
        compute(batch);
        return true;
      }
      if (pendingRows >= maxPendingRows || pendingFloats >= MAX_PENDING_FLOATS) {
        compute(largest());
        return true;
      }
    }
    Pending rest = largest();
    if (rest == null || rest.count == 0) {
      return false;
    }
    compute(rest);
    return true;
  }

  /** The batch holding the most w floats: flushing it frees the most memory. */
  private Pending largest() {
    Pending best = null;
    for (Pending p : pending.values()) {
      if (best == null || (long) p.count * p.l > (long) best.count * best.l) {
        best = p;
      }
    }
    return best;
  }

  private Pending pendingFor(UTF8String configId) {
    Pending batch = pending.get(configId);
    if (batch == null) {
      UTF8String key = configId.copy();
      HypernetRecipe recipe = catalog.recipe(key.toString());
      gpu.acquire(); // before the first batch copies weights and rows to the device
      batch = new Pending(key, recipe,
          gpu.batchRows(engine, recipe.config(), options.batchSizeFor(recipe.config())));
      pending.put(key, batch);
    }
    return batch;
  }

  private void compute(Pending batch) {
    int needed = Math.toIntExact((long) batch.count * batch.config.outputSize());
    if (out.length < needed) {
      out = new float[Math.toIntExact((long) batch.capacity * batch.config.outputSize())];
    }
    if (fault != null) {
      fault.beforeBatch();
    }
    HypernetRecipe recipe = batch.recipe;
    try (ExecutorReconcilers.Lease lease = cache
        .lease(engine, recipe.config(), () -> catalog.weights(recipe))) {
      lease.reconciler().reconcile(batch.w, batch.count, out);
    }
    keptBadRow = null;
    emitting = batch;
    emittingIds = batch.ids;
    emitIndex = 0;
    emitCount = batch.count;
    pendingRows -= batch.count;
    pendingFloats -= (long) batch.count * batch.l;
    // Emptied: dropped until its configuration's rows come again, so a partition meeting many
    // configurations keeps buffers only for those with rows waiting.
    pending.remove(batch.configId);
    rowsDone += emitCount;
    batchesDone++;
    metrics.recordRows(emitCount);
  }

  private void logDone() {
    if (batchesDone > 0) {
      LOG.debug("partition done: {} rows in {} batches on {}; cache {}", rowsDone, batchesDone,
          engine.description(), cache.stats());
      batchesDone = 0;
    }
    gpu.release();
  }

  /** Rows of one configuration waiting for their engine call. */
  private final class Pending {
    final UTF8String configId;
    final HypernetRecipe recipe;
    final HypernetConfig config;
    final int capacity;
    final int l;
    /** Grown as rows arrive, so configurations with few rows hold little. */
    float[] w = new float[0];
    Object[] ids = new Object[0];
    /** The whole input rows, in the pass-through layout only. */
    InternalRow[] rows;
    int count;

    Pending(UTF8String configId, HypernetRecipe recipe, int capacity) {
      this.configId = configId;
      this.recipe = recipe;
      this.config = recipe.config();
      this.capacity = capacity;
      this.l = config.l();
    }

    void add(InternalRow row) {
      if (count == ids.length) {
        int rows = Math.min(capacity, Math.max(1, 2 * count));
        ids = java.util.Arrays.copyOf(ids, rows);
        w = java.util.Arrays.copyOf(w, rows * l); // rows × l ≤ the buffer cap (batchSizeFor)
        if (passThrough != null) {
          this.rows = java.util.Arrays.copyOf(this.rows == null ? new InternalRow[0] : this.rows,
              rows);
        }
      }
      if (passThrough != null) {
        this.rows[count] = row.copy(); // input rows are reused buffers
      } else {
        Object id = row.get(0, idType);
        // Input rows are reused buffers: strings must be copied, binary is already a copy.
        ids[count] = id instanceof UTF8String ? ((UTF8String) id).copy() : id;
      }
      ArrayData values = row.getArray(2);
      int offset = count * l;
      for (int j = 0; j < l; j++) {
        w[offset + j] = values.getFloat(j);
      }
      count++;
    }
  }
}
