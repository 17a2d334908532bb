package io.hypernet.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDManager;
import io.hypernet.config.Activation;
import io.hypernet.config.TestConfigs;
import io.hypernet.weights.HypernetWeights;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** A load that fails half-way (as a GPU out of memory would) leaves no native tensor behind. */
class DjlEngineResourcesTest {

  @Test
  void aLoadFailingAfterItAllocatedFreesWhatItAllocatedAndTheNextLoadWorks() {
    HypernetWeights weights =
        HypernetWeights.seeded(TestConfigs.config("c", 8, 2, 3, 16, 1L, Activation.NONE));
    try (DjlEngine engine = DjlEngine.open(-1)) {
      AtomicReference<NDManager> used = new AtomicReference<>();
      IllegalStateException oom = new IllegalStateException("CUDA out of memory");
      IllegalStateException thrown = assertThrows(IllegalStateException.class,
          () -> engine.load(weights, (w, manager) -> {
            used.set(manager);
            manager.create(w.a1());
            manager.create(w.b1());
            assertEquals(2, engine.openTensors(), "the copies are held until the failure");
            throw oom;
          }));
      assertSame(oom, thrown);
      assertFalse(used.get().isOpen(), "the hypernet's manager is closed");
      assertEquals(0, engine.openTensors(), "no tensor outlives the failed load");

      try (BatchReconciler loaded = engine.load(weights)) {
        assertEquals(6, engine.openTensors(), "A1 and its transposed view, b1, A2, A2ᵀ, b2");
        float[] out = new float[6];
        loaded.reconcile(new float[8], 1, out);
      }
      assertEquals(0, engine.openTensors());
    }
  }
}
