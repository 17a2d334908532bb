package io.hypernet.engine;

import io.hypernet.weights.HypernetWeights;
import java.util.OptionalLong;

/**
 * A compute backend for the hypernet MLP: pure JVM ({@link JvmEngine}) or DJL's PyTorch
 * ({@link DjlEngine}). One instance per executor JVM and device; it owns the native resources of
 * every {@link BatchReconciler} it loaded, and closing it releases them.
 */
public interface ReconciliationEngine extends AutoCloseable {

  EngineKind kind();

  /** Where the math runs, e.g. {@code cpu} or {@code gpu:0}. */
  String device();

  /** Loads one hypernet; the caller closes the result (or closes this engine). */
  BatchReconciler load(HypernetWeights weights);

  /** Free memory of the device this engine computes on; empty on the CPU. */
  default OptionalLong freeDeviceBytes() {
    return OptionalLong.empty();
  }

  /** "djl/cpu" style label for logs and the run report. */
  default String description() {
    return kind().label() + "/" + device();
  }

  @Override
  void close();
}
