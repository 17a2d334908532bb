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
        try {
          return DjlEngine.open(gpuOrdinal);
        } catch (EngineUnavailableException e) {
          LOG.warn("engine auto: DJL is unavailable ({}); using the JVM engine", e.getMessage());
          return new JvmEngine();
        }
    }
  }
}
