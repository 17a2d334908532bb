package io.hypernet.engine;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Opens the engine an {@link EngineKind} asks for, resolving {@code auto}. */
public final class Engines {
  private static final Logger LOG = LoggerFactory.getLogger(Engines.class);

  private Engines() {}

  /**
   * @param gpuOrdinal the GPU this JVM was given (Spark task resources), or -1 for CPU
   */
  public static ReconciliationEngine open(EngineKind kind, int gpuOrdinal) {
    switch (kind) {
      case JVM:
        return new JvmEngine();
      case DJL:
        return DjlEngine.open(gpuOrdinal);
      case AUTO:
      default:
        return auto(gpuOrdinal);
    }
  }

  /**
   * A GPU goes to DJL. On CPU the vectorised JVM kernel outran DJL's single-thread PyTorch GEMM
   * by about 2× here (README, Engines) and is bit-reproducible, so DJL is the CPU choice only when
   * the vector module is missing and the kernel would run scalar.
   */
  private static ReconciliationEngine auto(int gpuOrdinal) {
    if (gpuOrdinal >= 0 || !FmaLayer.VECTORIZED) {
      try {
        ReconciliationEngine djl = DjlEngine.open(gpuOrdinal);
        if (djl.device().startsWith("gpu") || !FmaLayer.VECTORIZED) {
          return djl;
        }
        djl.close();
      } catch (EngineUnavailableException e) {
        LOG.warn("engine auto: DJL is unavailable ({}); using the JVM engine", e.getMessage());
      }
    }
    return new JvmEngine();
  }
}
