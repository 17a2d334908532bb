package io.hypernet.engine;

import java.util.Locale;

/** The {@code --engine} choice. */
public enum EngineKind {
  /**
   * DJL on a task's GPU; on the CPU the JVM engine, or DJL when the JVM lacks the vector module
   * (and the JVM engine again when PyTorch's natives do not load).
   */
  AUTO,
  DJL,
  JVM;

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static EngineKind parse(String value) {
    for (EngineKind k : values()) {
      if (k.label().equalsIgnoreCase(value.trim())) {
        return k;
      }
    }
    throw new IllegalArgumentException("unknown engine '" + value + "' (expected auto, djl or jvm)");
  }
}
