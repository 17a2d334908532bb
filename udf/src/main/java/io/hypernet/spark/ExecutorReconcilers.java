package io.hypernet.spark;

import io.hypernet.config.HypernetConfig;
import io.hypernet.engine.BatchReconciler;
import io.hypernet.engine.EngineKind;
import io.hypernet.engine.Engines;
import io.hypernet.engine.ReconciliationEngine;
import io.hypernet.weights.HypernetWeights;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.broadcast.Broadcast;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one per-JVM cache of engines and loaded hypernets (like Iceberg's SparkExecutorCache): an
 * engine per (kind, GPU) for the JVM's lifetime, and loaded reconcilers per (engine,
 * configuration), shared by all tasks, bounded in bytes with LRU eviction of unused entries.
 *
 * <p>Keyed by the configuration, not the broadcast id: broadcast ids restart with every
 * SparkContext in a JVM (local mode, notebooks), while seeded weights are a pure function of the
 * configuration, so a later run may safely reuse what an earlier one loaded.
 */
public final class ExecutorReconcilers {
  private static final Logger LOG = LoggerFactory.getLogger(ExecutorReconcilers.class);

  /** Byte budget of loaded hypernets per JVM; system property, default 2 GiB. */
  public static final String MAX_BYTES_PROPERTY = "hypernet.executor.cache.max-bytes";

  private static final ExecutorReconcilers INSTANCE =
      new ExecutorReconcilers(Long.getLong(MAX_BYTES_PROPERTY, 2L << 30));

  private final long maxBytes;
  private final Map<String, ReconciliationEngine> engines = new HashMap<>();
  private final LinkedHashMap<Key, Entry> entries = new LinkedHashMap<>(16, 0.75f, true);
  private long residentBytes;
  private long hits;
  private long misses;
  private long evictions;
  private long loadNanos;

  ExecutorReconcilers(long maxBytes) {
    this.maxBytes = maxBytes;
  }

  public static ExecutorReconcilers get() {
    return INSTANCE;
  }

  /** The engine for this JVM and device, opened on first use. */
  public synchronized ReconciliationEngine engine(EngineKind kind, int gpuOrdinal) {
    return engines.computeIfAbsent(kind.label() + "@" + gpuOrdinal,
        k -> Engines.open(kind, gpuOrdinal));
  }

  /**
   * A lease on the hypernet of {@code config} loaded into {@code engine}; its broadcast weights
   * are only read on a miss. Close the lease after use.
   */
  public synchronized Lease lease(ReconciliationEngine engine, HypernetConfig config,
      Broadcast<HypernetWeights> weights) {
    Key key = new Key(engine.description(), config);
    Entry entry = entries.get(key);
    if (entry != null) {
      hits++;
    } else {
      misses++;
      long start = System.nanoTime();
      BatchReconciler reconciler = engine.load(weights.value());
      loadNanos += System.nanoTime() - start;
      entry = new Entry(reconciler);
      entries.put(key, entry);
      residentBytes += reconciler.residentBytes();
      LOG.info("loaded {} into {} in {} ms ({} MiB; cache {} MiB of {} MiB)",
          reconciler.weights().config(), engine.description(),
          (System.nanoTime() - start) / 1_000_000, reconciler.residentBytes() >> 20,
          residentBytes >> 20, maxBytes >> 20);
    }
    // Leased before evicting, so the entry just loaded is never the one evicted.
    entry.leases++;
    evictUnused();
    return new Lease(entry);
  }

  private void evictUnused() {
    Iterator<Entry> lru = entries.values().iterator();
    while (residentBytes > maxBytes && lru.hasNext()) {
      Entry e = lru.next();
      if (e.leases == 0) {
        lru.remove();
        release(e);
        evictions++;
      }
    }
  }

  private void release(Entry e) {
    residentBytes -= e.reconciler.residentBytes();
    e.reconciler.close();
  }

  private synchronized void returnLease(Entry entry) {
    entry.leases--;
    evictUnused();
  }

  /** Closes every loaded hypernet and engine (tests, or a JVM about to change engines). */
  public synchronized void clear() {
    entries.values().forEach(this::release);
    entries.clear();
    engines.values().forEach(ReconciliationEngine::close);
    engines.clear();
  }

  public synchronized Stats stats() {
    return new Stats(hits, misses, evictions, entries.size(), residentBytes, loadNanos / 1_000_000);
  }

  /** Cache counters since JVM start. */
  public record Stats(long hits, long misses, long evictions, int entries, long residentBytes,
      long loadMillis) {}

  private record Key(String engine, HypernetConfig config) {}

  private static final class Entry {
    final BatchReconciler reconciler;
    int leases;

    Entry(BatchReconciler reconciler) {
      this.reconciler = reconciler;
    }
  }

  /** A task's hold on a loaded hypernet: it is not evicted while leased. */
  public final class Lease implements AutoCloseable {
    private final Entry entry;
    private final TestFaults faults = TestFaults.forCurrentTask();
    private boolean closed;

    private Lease(Entry entry) {
      this.entry = entry;
    }

    /** The loaded hypernet; called once per batch. */
    public BatchReconciler reconciler() {
      if (faults != null) {
        faults.beforeBatch();
      }
      return entry.reconciler;
    }

    @Override
    public void close() {
      if (!closed) {
        closed = true;
        returnLease(entry);
      }
    }
  }
}
