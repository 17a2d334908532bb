package io.hypernet.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.hypernet.config.ConfigRow;
import io.hypernet.config.ConfigValidator;
import io.hypernet.config.HypernetConfig;
import io.hypernet.config.SizeLimits;
import io.hypernet.engine.BatchReconciler;
import io.hypernet.engine.EngineKind;
import io.hypernet.engine.ReconciliationEngine;
import io.hypernet.testing.LocalSpark;
import io.hypernet.weights.HypernetWeights;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

class ExecutorReconcilersTest {

  private static HypernetCatalog catalog(SparkSession spark, long seed) {
    ConfigRow row = new ConfigRow("x", 4, 2, 3, 8, seed, null, null, null, "test");
    return HypernetCatalog.build(spark,
        new ConfigValidator(new SizeLimits(1L << 30)).validate(List.of(row)));
  }

  /** Broadcast ids restart with each SparkContext; a new run must never get old weights. */
  @Test
  void aNewSparkContextWithTheSameConfigIdGetsItsOwnWeights() {
    ExecutorReconcilers cache = new ExecutorReconcilers(1L << 20);
    ReconciliationEngine engine = cache.engine(EngineKind.JVM, -1);
    long[] seeds = {1, 2};
    for (long seed : seeds) {
      SparkSession spark = LocalSpark.start("local[1]");
      try (HypernetCatalog catalog = catalog(spark, seed)) {
        HypernetConfig config = catalog.validConfigs().get("x");
        try (ExecutorReconcilers.Lease lease =
            cache.lease(engine, config, catalog.broadcastOf("x"))) {
          assertEquals(seed, lease.reconciler().weights().config().seed());
        }
      } finally {
        spark.stop();
      }
    }
    assertEquals(2, cache.stats().misses());
  }

  @Test
  void unusedEntriesAreEvictedBeyondTheByteBudgetAndLeasedOnesAreNot() {
    SparkSession spark = LocalSpark.start("local[1]");
    try (HypernetCatalog first = catalog(spark, 1); HypernetCatalog second = catalog(spark, 2)) {
      // A budget smaller than one hypernet: every unleased entry goes at once.
      ExecutorReconcilers cache = new ExecutorReconcilers(1);
      ReconciliationEngine engine = cache.engine(EngineKind.JVM, -1);
      HypernetConfig a = first.validConfigs().get("x");
      HypernetConfig b = second.validConfigs().get("x");
      ExecutorReconcilers.Lease held = cache.lease(engine, a, first.broadcastOf("x"));
      try (ExecutorReconcilers.Lease other = cache.lease(engine, b, second.broadcastOf("x"))) {
        assertEquals(0, cache.stats().evictions(), "both are leased");
      }
      assertEquals(1, cache.stats().evictions(), "b went when its lease ended");
      try (ExecutorReconcilers.Lease again = cache.lease(engine, a, first.broadcastOf("x"))) {
        assertSame(held.reconciler(), again.reconciler(), "a stayed while leased");
      }
      held.close();
      assertEquals(0, cache.stats().entries());
    } finally {
      spark.stop();
    }
  }

  /** A load that throws (a GPU out of memory) leaves no entry, and the next lease loads anew. */
  @Test
  void aFailedLoadLeavesNothingCachedAndTheNextLeaseLoads() {
    SparkSession spark = LocalSpark.start("local[1]");
    try (HypernetCatalog catalog = catalog(spark, 1)) {
      ExecutorReconcilers cache = new ExecutorReconcilers(1L << 20);
      FailingOnce engine = new FailingOnce(cache.engine(EngineKind.JVM, -1));
      HypernetConfig config = catalog.validConfigs().get("x");
      assertThrows(IllegalStateException.class,
          () -> cache.lease(engine, config, catalog.broadcastOf("x")));
      assertEquals(0, cache.stats().entries());
      assertEquals(0, cache.stats().residentBytes());
      try (ExecutorReconcilers.Lease lease = cache.lease(engine, config, catalog.broadcastOf("x"))) {
        assertEquals(config, lease.reconciler().weights().config());
      }
      assertEquals(1, cache.stats().entries());
      assertEquals(2, cache.stats().misses(), "the failed load was not a hit later");
    } finally {
      spark.stop();
    }
  }

  /** An engine whose first load fails. */
  private static final class FailingOnce implements ReconciliationEngine {
    private final ReconciliationEngine delegate;
    private boolean failed;

    FailingOnce(ReconciliationEngine delegate) {
      this.delegate = delegate;
    }

    @Override
    public EngineKind kind() {
      return delegate.kind();
    }

    @Override
    public String device() {
      return delegate.device();
    }

    @Override
    public BatchReconciler load(HypernetWeights weights) {
      if (!failed) {
        failed = true;
        throw new IllegalStateException("out of memory copying the weights");
      }
      return delegate.load(weights);
    }

    @Override
    public void close() {
      delegate.close();
    }
  }
}
