package io.hypernet.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * On this CPU-only machine (PyTorch's CPU natives, no CUDA): a GPU asked for or assigned gives a
 * CPU engine, and the reason is recorded once.
 */
class EngineChoiceTest {

  @Test
  void djlGivenAGpuThatPyTorchCannotSeeRunsOnTheCpuAndSaysWhy() {
    try (ReconciliationEngine engine = Engines.open(EngineKind.DJL, 0)) {
      assertEquals("djl/cpu", engine.description());
      assertTrue(engine.freeDeviceBytes().isEmpty());
    }
    assertTrue(CpuFallback.logged().stream().anyMatch(r -> r.startsWith(
        "engine djl: CUDA device 0 was assigned but PyTorch sees 0 GPU(s)")),
        CpuFallback.logged().toString());
  }

  @Test
  void autoGivenAGpuThatPyTorchCannotSeeTakesTheJvmEngine() {
    try (ReconciliationEngine engine = Engines.open(EngineKind.AUTO, 1)) {
      assertEquals(FmaLayer.VECTORIZED ? "jvm/cpu" : "djl/cpu", engine.description());
    }
    assertTrue(CpuFallback.logged().stream().anyMatch(r -> r.contains("CUDA device 1 was "
        + "assigned")), CpuFallback.logged().toString());
  }

  @Test
  void eachReasonIsLoggedOncePerJvm() {
    for (int i = 0; i < 3; i++) {
      Engines.open(EngineKind.JVM, 3).close();
    }
    assertEquals(1, CpuFallback.logged().stream().filter(r -> r.contains("CUDA device 3"))
        .count());
  }

  @Test
  void aVisibleGpuIsUsableUnlessTf32IsForcedOn() {
    assertNull(DjlEngine.whyNotUsable(0, 1, null));
    assertNull(DjlEngine.whyNotUsable(1, 2, "0"));
    assertTrue(DjlEngine.whyNotUsable(2, 2, null).contains("PyTorch sees 2 GPU(s)"));
    assertTrue(DjlEngine.whyNotUsable(0, 1, "1").contains("TF32"));
  }
}
