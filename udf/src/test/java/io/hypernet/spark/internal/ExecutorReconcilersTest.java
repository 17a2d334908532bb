package io.hypernet.spark.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hypernet.config.ConfigRow;
import io.hypernet.config.ConfigValidator;
import io.hypernet.config.HypernetConfig;
import io.hypernet.config.SizeLimits;
import io.hypernet.engine.BatchReconciler;
import io.hypernet.engine.EngineKind;
import io.hypernet.engine.ReconciliationEngine;
import io.hypernet.weights.HypernetWeights;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.apache.spark.SparkConf;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ExecutorReconcilersTest {
  private final ExecutorService threads = Executors.newFixedThreadPool(8);

  @AfterEach
  void stopThreads() {
    threads.shutdownNow();
  }

  private static HypernetConfig config(String id, long seed) {
    ConfigRow row = new ConfigRow(id, 4, 2, 3, 8, seed, null, null, null, "test");
    return new ConfigValidator(new SizeLimits(1L << 30)).validate(List.of(row)).valid().get(0);
  }

  private static Supplier<HypernetWeights> seeded(HypernetConfig config) {
    return () -> HypernetWeights.seeded(config);
  }

  /** What one of {@link #config}'s hypernets occupies in the JVM engine. */
  private static long entryBytes(ReconciliationEngine engine) {
    try (BatchReconciler r = engine.load(HypernetWeights.seeded(config("size", 0)))) {
      return r.residentBytes();
    }
  }

  /** Broadcast ids restart with each SparkContext; a new run must never get old weights. */
  @Test
  void theSameConfigIdWithOtherWeightsIsAnotherEntry() {
    ExecutorReconcilers cache = new ExecutorReconcilers(1L << 20);
    ReconciliationEngine engine = cache.engine(EngineKind.JVM, -1);
    for (long seed : new long[] {1, 2}) {
      HypernetConfig config = config("x", seed);
      try (ExecutorReconcilers.Lease lease = cache.lease(engine, config, seeded(config))) {
        assertEquals(seed, lease.reconciler().weights().config().seed());
      }
    }
    assertEquals(2, cache.stats().misses());
  }

  @Test
  void leasedEntriesCountTowardTheBoundAndWhatDoesNotFitIsUsedUncached() {
    ExecutorReconcilers probe = new ExecutorReconcilers(0);
    ReconciliationEngine engine = probe.engine(EngineKind.JVM, -1);
    long size = entryBytes(engine);
    ExecutorReconcilers cache = new ExecutorReconcilers(2 * size);
    HypernetConfig a = config("a", 1);
    HypernetConfig b = config("b", 2);
    HypernetConfig c = config("c", 3);
    ExecutorReconcilers.Lease heldA = cache.lease(engine, a, seeded(a));
    ExecutorReconcilers.Lease heldB = cache.lease(engine, b, seeded(b));
    try (ExecutorReconcilers.Lease leaseC = cache.lease(engine, c, seeded(c))) {
      assertEquals(c, leaseC.reconciler().weights().config(), "used although it does not fit");
      assertEquals(1, cache.stats().uncached());
      assertEquals(0, cache.stats().evictions(), "a and b are leased");
      assertEquals(2 * size, cache.stats().residentBytes());
    }
    assertEquals(2, cache.stats().entries(), "c was not cached");
    try (ExecutorReconcilers.Lease again = cache.lease(engine, a, seeded(a))) {
      assertSame(heldA.reconciler(), again.reconciler(), "a stayed while leased");
    }
    heldA.close();
    heldB.close();
    // b is now the least recently leased: c takes its room.
    try (ExecutorReconcilers.Lease leaseC = cache.lease(engine, c, seeded(c))) {
      assertEquals(1, cache.stats().evictions());
      assertTrue(cache.stats().residentBytes() <= 2 * size);
    }
    try (ExecutorReconcilers.Lease leaseA = cache.lease(engine, a, seeded(a))) {
      assertSame(heldA.reconciler(), leaseA.reconciler(), "a was not evicted");
    }
  }

  @Test
  void anEntryBiggerThanTheBoundIsComputedAndUsedButNotCachedNorEvictsOthers() {
    ExecutorReconcilers probe = new ExecutorReconcilers(0);
    ReconciliationEngine engine = probe.engine(EngineKind.JVM, -1);
    long size = entryBytes(engine);
    ExecutorReconcilers cache = new ExecutorReconcilers(size);
    HypernetConfig small = config("small", 1);
    cache.lease(engine, small, seeded(small)).close();
    ConfigRow row = new ConfigRow("big", 4, 4, 4, 8, 2L, null, null, null, "test");
    HypernetConfig big =
        new ConfigValidator(new SizeLimits(1L << 30)).validate(List.of(row)).valid().get(0);
    BatchReconciler first;
    try (ExecutorReconcilers.Lease lease = cache.lease(engine, big, seeded(big))) {
      first = lease.reconciler();
      float[] out = new float[16];
      first.reconcile(new float[] {1, 2, 3, 4}, 1, out);
    }
    try (ExecutorReconcilers.Lease lease = cache.lease(engine, big, seeded(big))) {
      assertNotSame(first, lease.reconciler(), "computed again: it was never cached");
    }
    ExecutorReconcilers.Stats stats = cache.stats();
    assertEquals(2, stats.uncached());
    assertEquals(0, stats.evictions(), "the small entry stayed");
    assertEquals(1, stats.entries());
    assertEquals(size, stats.residentBytes());
  }

  @Test
  void loadsOfDifferentKeysProceedInParallel() throws Exception {
    ExecutorReconcilers cache = new ExecutorReconcilers(1L << 20);
    ReconciliationEngine engine = cache.engine(EngineKind.JVM, -1);
    HypernetConfig a = config("a", 1);
    HypernetConfig b = config("b", 2);
    CountDownLatch bothLoading = new CountDownLatch(2);
    Supplier<HypernetWeights> waitForTheOther = () -> {
      bothLoading.countDown();
      try {
        // Under a global lock the second load could never start: this would time out.
        assertTrue(bothLoading.await(10, TimeUnit.SECONDS), "the other load did not start");
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
      return null;
    };
    Future<?> loadA = threads.submit(() -> cache.lease(engine, a, () -> {
      waitForTheOther.get();
      return HypernetWeights.seeded(a);
    }).close());
    Future<?> loadB = threads.submit(() -> cache.lease(engine, b, () -> {
      waitForTheOther.get();
      return HypernetWeights.seeded(b);
    }).close());
    loadA.get(20, TimeUnit.SECONDS);
    loadB.get(20, TimeUnit.SECONDS);
    assertEquals(2, cache.stats().misses());
    assertEquals(2, cache.stats().entries());
  }

  @Test
  void concurrentLeasesOfOneKeyLoadItOnce() throws Exception {
    ExecutorReconcilers cache = new ExecutorReconcilers(1L << 20);
    ReconciliationEngine engine = cache.engine(EngineKind.JVM, -1);
    HypernetConfig a = config("a", 1);
    AtomicInteger generated = new AtomicInteger();
    CountDownLatch start = new CountDownLatch(1);
    List<Future<BatchReconciler>> leases = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      leases.add(threads.submit(() -> {
        start.await();
        try (ExecutorReconcilers.Lease lease = cache.lease(engine, a, () -> {
          generated.incrementAndGet();
          sleep(200);
          return HypernetWeights.seeded(a);
        })) {
          return lease.reconciler();
        }
      }));
    }
    start.countDown();
    BatchReconciler first = leases.get(0).get(20, TimeUnit.SECONDS);
    for (Future<BatchReconciler> lease : leases) {
      assertSame(first, lease.get(20, TimeUnit.SECONDS));
    }
    assertEquals(1, generated.get());
    assertEquals(1, cache.stats().misses());
    assertEquals(7, cache.stats().hits());
  }

  /** clear() while a task holds a lease: the leased hypernet stays open until it is returned. */
  @Test
  void clearClosesALeasedHypernetOnlyWhenItsLeaseEnds() {
    ExecutorReconcilers cache = new ExecutorReconcilers(1L << 20);
    ReconciliationEngine jvm = cache.engine(EngineKind.JVM, -1);
    List<String> closed = new ArrayList<>();
    ReconciliationEngine engine = new ReconciliationEngine() {
      @Override public EngineKind kind() { return jvm.kind(); }
      @Override public String device() { return jvm.device(); }
      @Override public void close() {}
      @Override public BatchReconciler load(HypernetWeights weights) {
        BatchReconciler loaded = jvm.load(weights);
        return new BatchReconciler() {
          @Override public HypernetWeights weights() { return loaded.weights(); }
          @Override public void reconcile(float[] w, int rows, float[] out) {
            if (closed.contains(weights.config().configId())) {
              throw new IllegalStateException("used after close");
            }
            loaded.reconcile(w, rows, out);
          }
          @Override public long residentBytes() { return loaded.residentBytes(); }
          @Override public void close() {
            closed.add(weights.config().configId());
            loaded.close();
          }
        };
      }
    };
    HypernetConfig held = config("held", 1);
    HypernetConfig idle = config("idle", 2);
    cache.lease(engine, idle, seeded(idle)).close();
    ExecutorReconcilers.Lease lease = cache.lease(engine, held, seeded(held));
    cache.clear();
    assertEquals(List.of("idle"), closed, "only the unleased hypernet is closed at once");
    assertEquals(0, cache.stats().entries());
    lease.reconciler().reconcile(new float[] {1, 2, 3, 4}, 1, new float[6]);
    lease.close();
    assertEquals(List.of("idle", "held"), closed, "closed when its lease ended");
    assertSame(jvm, cache.engine(EngineKind.JVM, -1), "engines stay open while leased");
    cache.clear();
    assertNotSame(jvm, cache.engine(EngineKind.JVM, -1), "and are closed once nothing is");
  }

  /** A load that throws (a GPU out of memory) leaves no entry, and the next lease loads anew. */
  @Test
  void aFailedLoadLeavesNothingCachedAndTheNextLeaseLoads() {
    ExecutorReconcilers cache = new ExecutorReconcilers(1L << 20);
    ReconciliationEngine engine = cache.engine(EngineKind.JVM, -1);
    HypernetConfig config = config("x", 1);
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> cache.lease(engine, config, () -> {
          throw new IllegalStateException("out of memory copying the weights");
        }));
    assertEquals("out of memory copying the weights", e.getMessage());
    assertEquals(0, cache.stats().entries());
    assertEquals(0, cache.stats().residentBytes());
    try (ExecutorReconcilers.Lease lease = cache.lease(engine, config, seeded(config))) {
      assertEquals(config, lease.reconciler().weights().config());
    }
    assertEquals(1, cache.stats().entries());
    assertEquals(2, cache.stats().misses(), "the failed load was not a hit later");
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
