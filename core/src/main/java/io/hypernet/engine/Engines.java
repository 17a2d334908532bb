package io.hypernet.engine;

/**
 * Opens the engine an {@link EngineKind} asks for, resolving {@code auto}, and says once per JVM
 * why it computes on the CPU when a GPU was asked for or assigned ({@link CpuFallback}).
 */
public final class Engines {
  private Engines() {}

  /**
   * @param gpuOrdinal the GPU this JVM was given (Spark task resources), or -1 for CPU
   */
  public static ReconciliationEngine open(EngineKind kind, int gpuOrdinal) {
    switch (kind) {
      case JVM:
        if (gpuOrdinal >= 0) {
          CpuFallback.gpuUnused("engine jvm computes on the CPU; CUDA device " + gpuOrdinal
              + ", assigned by Spark, is not used (use --engine auto or djl)");
        }
        return new JvmEngine();
      case DJL:
        if (gpuOrdinal < 0) {
          CpuFallback.noGpuAssigned("engine djl: no GPU assigned to this task "
              + "(spark.task.resource.gpu.amount is not set)");
        }
        return DjlEngine.open(gpuOrdinal);
      case AUTO:
      default:
        return auto(gpuOrdinal);
    }
  }

  /**
   * A GPU goes to DJL. On CPU the vectorised JVM kernel outran DJL's single-thread PyTorch GEMM
   * (BENCHMARKS.md, "Kernel") and is bit-reproducible, so DJL is the CPU choice only when the
   * vector module is missing and the kernel would run scalar.
   */
  private static ReconciliationEngine auto(int gpuOrdinal) {
    if (gpuOrdinal < 0) {
      CpuFallback.noGpuAssigned("engine auto: no GPU assigned to this task "
          + "(spark.task.resource.gpu.amount is not set)");
    }
    if (gpuOrdinal >= 0 || !FmaLayer.VECTORIZED) {
      try {
        ReconciliationEngine djl = DjlEngine.open(gpuOrdinal);
        if (djl.device().startsWith("gpu") || !FmaLayer.VECTORIZED) {
          return djl;
        }
        djl.close();
      } catch (EngineUnavailableException e) {
        CpuFallback.gpuUnused("engine auto: DJL's PyTorch is unavailable (" + e.getMessage()
            + "); using the JVM engine");
      }
    }
    return new JvmEngine();
  }
}
