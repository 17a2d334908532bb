package io.hypernet.spark.internal;

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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one per-JVM cache of engines and loaded hypernets (like Iceberg's SparkExecutorCache): an
 * engine per (kind, GPU) for the JVM's lifetime, and loaded reconcilers per (engine,
 * configuration), shared by all tasks, bounded in bytes with LRU eviction of unleased entries.
 *
 * <p>Leased entries count toward the bound and are never closed while leased. A hypernet that
 * does not fit, even after evicting every unleased entry, is loaded and used but not cached: it
 * is closed when its last lease ends. Loading (generating or reading the weights, copying them to
 * the device) happens outside the cache's lock; a second lease of a key being loaded waits for
 * that one load, leases of other keys proceed.
 *
 * <p>Keyed by the configuration, not the broadcast id: broadcast ids restart with every
 * SparkContext in a JVM (local mode, notebooks), while seeded weights are a pure function of the
 * configuration and imported ones carry their file's digest in it, so a later run may safely
 * reuse what an earlier one loaded.
 */
public final class ExecutorReconcilers {
  private static final Logger LOG = LoggerFactory.getLogger(ExecutorReconcilers.class);

  private static final ExecutorReconcilers INSTANCE =
      new ExecutorReconcilers(ExecutorSettings.current().cacheMaxBytes());

  private volatile long maxBytes;
  private final Map<String, ReconciliationEngine> engines = new HashMap<>();
  /** Cached and loading entries, least recently leased first. */
  private final LinkedHashMap<Key, Entry> entries = new LinkedHashMap<>(16, 0.75f, true);
  private long residentBytes;
  private long hits;
  private long misses;
  private long evictions;
  private long uncached;
  private long loadNanos;

  ExecutorReconcilers(long maxBytes) {
    this.maxBytes = maxBytes;
  }

  /**
   * The JVM's cache, bounded by the running Spark environment's {@link ExecutorSettings} (each
   * SparkContext of a local JVM may set its own).
   */
  public static ExecutorReconcilers get() {
    INSTANCE.maxBytes = ExecutorSettings.current().cacheMaxBytes();
    return INSTANCE;
  }

  /** The engine for this JVM and device, opened on first use. */
  public synchronized ReconciliationEngine engine(EngineKind kind, int gpuOrdinal) {
    return engines.computeIfAbsent(kind.label() + "@" + gpuOrdinal,
        k -> Engines.open(kind, gpuOrdinal));
  }

  /**
   * A lease on the hypernet of {@code config} loaded into {@code engine}; {@code weights} is only
   * called on a miss, by the one lease that loads. Close the lease after use.
   */
  public Lease lease(ReconciliationEngine engine, HypernetConfig config,
      Supplier<HypernetWeights> weights) {
    Key key = new Key(engine.description(), config);
    Entry entry;
    boolean loader;
    synchronized (this) {
      entry = entries.get(key);
      loader = entry == null;
      if (loader) {
        misses++;
        entry = new Entry();
        entries.put(key, entry);
      } else {
        hits++;
      }
      entry.leases++;
    }
    if (loader) {
      load(key, entry, engine, weights);
    }
    try {
      entry.loaded.get();
    } catch (ExecutionException e) {
      synchronized (this) {
        entry.leases--;
      }
      throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(
          "loading " + config + " failed", e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      returnLease(entry);
      throw new IllegalStateException("interrupted waiting for " + config + " to load", e);
    }
    return new Lease(entry);
  }

  /** Loads outside the lock, then caches the entry if it fits beside the leased ones. */
  private void load(Key key, Entry entry, ReconciliationEngine engine,
      Supplier<HypernetWeights> weights) {
    long start = System.nanoTime();
    BatchReconciler reconciler;
    try {
      reconciler = engine.load(weights.get());
    } catch (RuntimeException | Error e) {
      synchronized (this) {
        entries.remove(key);
      }
      entry.loaded.completeExceptionally(e);
      return;
    }
    long nanos = System.nanoTime() - start;
    long size = reconciler.residentBytes();
    synchronized (this) {
      loadNanos += nanos;
      entry.reconciler = reconciler;
      if (size <= maxBytes) {
        evictUnusedUntil(maxBytes - size); // an oversize hypernet leaves the cache as it was
      }
      if (residentBytes + size <= maxBytes) {
        entry.cached = true;
        residentBytes += size;
      } else {
        entries.remove(key);
        uncached++;
      }
      LOG.debug("loaded {} into {} in {} ms ({} KiB, {}; cache {} MiB of {} MiB)",
          reconciler.weights().config(), engine.description(), nanos / 1_000_000, size >> 10,
          entry.cached ? "cached" : "not cached", residentBytes >> 20, maxBytes >> 20);
    }
    entry.loaded.complete(null);
  }

  private void evictUnusedUntil(long resident) {
    Iterator<Entry> lru = entries.values().iterator();
    while (residentBytes > resident && lru.hasNext()) {
      Entry e = lru.next();
      if (e.cached && e.leases == 0) {
        lru.remove();
        residentBytes -= e.reconciler.residentBytes();
        e.reconciler.close();
        evictions++;
      }
    }
  }

  private synchronized void returnLease(Entry entry) {
    entry.leases--;
    if (entry.leases == 0 && !entry.cached && entry.reconciler != null) {
      entry.reconciler.close();
    } else {
      // A bound lowered by a later run's conf takes effect as leases end.
      evictUnusedUntil(maxBytes);
    }
  }

  /**
   * Empties the cache (tests, benchmarks, or a JVM about to change engines): closes every
   * unleased hypernet now; a leased one is dropped from the cache and closed when its last lease
   * ends. The engines are closed too unless a lease is still out (its hypernet lives in one).
   */
  public synchronized void clear() {
    boolean leased = false;
    for (Entry e : entries.values()) {
      if (e.leases > 0) {
        leased = true;
        e.cached = false; // returnLease closes it
      } else if (e.cached) {
        e.reconciler.close();
      }
    }
    entries.clear();
    residentBytes = 0;
    if (!leased) {
      engines.values().forEach(ReconciliationEngine::close);
      engines.clear();
    }
  }

  public synchronized Stats stats() {
    return new Stats(hits, misses, evictions, uncached, entries.size(), residentBytes, maxBytes,
        loadNanos / 1_000_000);
  }

  /**
   * Cache counters since JVM start: {@code uncached} counts loads used without caching (too big
   * for the room the leased entries left); {@code entries} includes loads in flight.
   */
  public record Stats(long hits, long misses, long evictions, long uncached, int entries,
      long residentBytes, long maxBytes, long loadMillis) {}

  private record Key(String engine, HypernetConfig config) {}

  private static final class Entry {
    /** Completes when {@link #reconciler} is set, or with the load's failure. */
    final CompletableFuture<Void> loaded = new CompletableFuture<>();
    BatchReconciler reconciler;
    boolean cached;
    int leases;
  }

  /** A task's hold on a loaded hypernet: it is not evicted (nor closed) while leased. */
  public final class Lease implements AutoCloseable {
    private final Entry entry;
    private boolean closed;

    private Lease(Entry entry) {
      this.entry = entry;
    }

    /** The loaded hypernet; called once per batch. */
    public BatchReconciler reconciler() {
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
