package io.hypernet.engine;

import java.util.Locale;

/** The {@code --engine} choice. */
public enum EngineKind {
  /** DJL when its PyTorch natives load, else the JVM engine. */
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
