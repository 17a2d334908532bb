package io.hypernet.engine;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Why this JVM computes on the CPU although the DJL engine was asked for or a GPU was assigned.
 * Each distinct reason is logged once per JVM (an executor runs thousands of tasks; one line says
 * it): at info level when no GPU was assigned (a CPU cluster), at warn level when an assigned
 * GPU goes unused.
 */
public final class CpuFallback {
  private static final Logger LOG = LoggerFactory.getLogger(CpuFallback.class);
  private static final Set<String> LOGGED = ConcurrentHashMap.newKeySet();

  private CpuFallback() {}

  static void noGpuAssigned(String reason) {
    if (LOGGED.add(reason)) {
      LOG.info("running on CPU: {}", reason);
    }
  }

  static void gpuUnused(String reason) {
    if (LOGGED.add(reason)) {
      LOG.warn("running on CPU: {}", reason);
    }
  }

  /** The reasons this JVM logged, each once. */
  static List<String> logged() {
    return List.copyOf(LOGGED);
  }
}
