package io.hypernet.engine;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.util.cuda.CudaUtils;
import io.hypernet.weights.HypernetWeights;
import java.lang.management.MemoryUsage;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.OptionalLong;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * DJL's PyTorch engine: one root {@link NDManager} per engine, one child manager per loaded
 * hypernet holding its weights on the device, one short-lived manager per batch, so every native
 * tensor is closed by try-with-resources.
 */
public final class DjlEngine implements ReconciliationEngine {
  private static final Logger LOG = LoggerFactory.getLogger(DjlEngine.class);
  private static final String PYTORCH = "PyTorch";
  private static final String TF32_OVERRIDE = "TORCH_ALLOW_TF32_CUBLAS_OVERRIDE";

  private final Device device;
  private final NDManager root;

  private DjlEngine(Device device, NDManager root) {
    this.device = device;
    this.root = root;
  }

  /**
   * Opens PyTorch offline (never downloads natives) on the given GPU, or on the CPU when
   * {@code gpuOrdinal < 0} or the GPU cannot be used ({@link #whyNotUsable}, logged once).
   *
   * @throws EngineUnavailableException when the PyTorch natives cannot be loaded
   */
  public static DjlEngine open(int gpuOrdinal) {
    // Defaults that must be in place before PyTorch initialises: no downloads, and one intra-op
    // thread because Spark already runs one task per core (more threads collapse under load).
    System.setProperty("ai.djl.offline", System.getProperty("ai.djl.offline", "true"));
    System.setProperty("ai.djl.pytorch.num_threads",
        System.getProperty("ai.djl.pytorch.num_threads", "1"));
    System.setProperty("ai.djl.pytorch.num_interop_threads",
        System.getProperty("ai.djl.pytorch.num_interop_threads", "1"));
    Engine engine;
    try {
      engine = Engine.getEngine(PYTORCH);
    } catch (RuntimeException | LinkageError e) {
      throw new EngineUnavailableException("DJL PyTorch engine could not load: " + e, e);
    }
    Device device = Device.cpu();
    if (gpuOrdinal >= 0) {
      String unusable = whyNotUsable(gpuOrdinal, engine.getGpuCount(),
          System.getenv(TF32_OVERRIDE));
      if (unusable == null) {
        device = Device.gpu(gpuOrdinal);
      } else {
        CpuFallback.gpuUnused("engine djl: " + unusable + " (PyTorch " + engine.getVersion()
            + ")");
      }
    }
    LOG.info("DJL engine {} {} on {}", engine.getEngineName(), engine.getVersion(), device);
    return new DjlEngine(device, engine.newBaseManager(device));
  }

  /**
   * Why CUDA device {@code ordinal} cannot be used, or null. TF32 matmuls miss the tolerance of
   * REFERENCE.md, "Computation" (6e-4 relative error measured on an H100); PyTorch leaves them off
   * unless this environment variable forces them on.
   */
  static String whyNotUsable(int ordinal, int gpuCount, String tf32Override) {
    if (ordinal >= gpuCount) {
      return "CUDA device " + ordinal + " was assigned but PyTorch sees " + gpuCount
          + " GPU(s): CPU-only natives on the classpath, or no CUDA runtime or driver";
    }
    if ("1".equals(tf32Override == null ? null : tf32Override.trim())) {
      return TF32_OVERRIDE + "=1 forces TF32 matmuls, which miss the accuracy tolerance";
    }
    return null;
  }

  /** The device's free memory, or empty on the CPU or when CUDA cannot say. */
  @Override
  public OptionalLong freeDeviceBytes() {
    if (!device.isGpu()) {
      return OptionalLong.empty();
    }
    try {
      MemoryUsage memory = CudaUtils.getGpuMemory(device);
      return OptionalLong.of(Math.max(0, memory.getMax() - memory.getUsed()));
    } catch (RuntimeException | LinkageError e) {
      LOG.debug("free memory of {} unknown: {}", device, e.toString());
      return OptionalLong.empty();
    }
  }

  @Override
  public EngineKind kind() {
    return EngineKind.DJL;
  }

  @Override
  public String device() {
    return device.isGpu() ? "gpu:" + device.getDeviceId() : "cpu";
  }

  @Override
  public BatchReconciler load(HypernetWeights weights) {
    return load(weights, Reconciler::new);
  }

  /**
   * Builds a reconciler in a sub-manager of its own. Building can fail half-way (the GPU runs out
   * of memory copying the weights): then the tensors already created are freed before rethrowing.
   */
  <T extends BatchReconciler> T load(HypernetWeights weights,
      BiFunction<HypernetWeights, NDManager, T> build) {
    NDManager manager = root.newSubManager();
    try {
      return build.apply(weights, manager);
    } catch (RuntimeException | Error e) {
      manager.close();
      throw e;
    }
  }

  /** Tensors still held by this engine's reconcilers (tests: nothing leaks). */
  int openTensors() {
    return root.getManagedArrays().size();
  }

  @Override
  public void close() {
    root.close();
  }

  private static final class Reconciler implements BatchReconciler {
    private final HypernetWeights weights;
    private final NDManager manager;
    private final NDArray a1t;
    private final NDArray b1;
    private final NDArray a2t;
    private final NDArray b2;

    Reconciler(HypernetWeights weights, NDManager manager) {
      this.weights = weights;
      this.manager = manager;
      int l = weights.inputSize();
      int hidden = weights.hiddenSize();
      int out = weights.outputSize();
      this.a1t = manager.create(weights.a1(), new Shape(hidden, l)).transpose();
      this.b1 = manager.create(weights.b1());
      this.a2t = manager.create(weights.a2(), new Shape(out, hidden)).transpose();
      this.b2 = manager.create(weights.b2());
    }

    @Override
    public HypernetWeights weights() {
      return weights;
    }

    @Override
    public void reconcile(float[] w, int rows, float[] out) {
      int l = weights.inputSize();
      try (NDManager batch = manager.newSubManager()) {
        NDArray x = batch.create(FloatBuffer.wrap(w, 0, Math.toIntExact((long) rows * l)),
            new Shape(rows, l));
        NDArray h = x.matMul(a1t).addi(b1);
        if (weights.activation() == io.hypernet.config.Activation.SIGMOID) {
          h = Activation.sigmoid(h);
        }
        NDArray result = h.matMul(a2t).addi(b2);
        result.toByteBuffer().order(ByteOrder.nativeOrder()).asFloatBuffer()
            .get(out, 0, Math.toIntExact((long) rows * weights.outputSize()));
      }
    }

    @Override
    public long residentBytes() {
      return weights.sizeInBytes();
    }

    @Override
    public void close() {
      manager.close();
    }
  }
}
