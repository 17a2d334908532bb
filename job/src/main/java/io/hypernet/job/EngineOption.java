package io.hypernet.job;

import io.hypernet.engine.EngineKind;
import picocli.CommandLine.Option;

/** {@code --engine}, shared by {@code run} and {@code demo}. */
final class EngineOption {
  @Option(names = "--engine", defaultValue = "auto", paramLabel = "auto|djl|jvm",
      description = "Compute engine (default ${DEFAULT-VALUE}: DJL PyTorch on a GPU, else the "
          + "vectorised JVM kernel).")
  EngineKind kind;
}
