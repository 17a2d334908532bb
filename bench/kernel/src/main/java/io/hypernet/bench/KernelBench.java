package io.hypernet.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.ludovic.netlib.blas.BLAS;
import io.hypernet.config.ConfigRow;
import io.hypernet.config.ConfigValidator;
import io.hypernet.config.HypernetConfig;
import io.hypernet.config.SizeLimits;
import io.hypernet.engine.BatchReconciler;
import io.hypernet.engine.EngineKind;
import io.hypernet.engine.Engines;
import io.hypernet.engine.JvmEngine;
import io.hypernet.engine.ReconciliationEngine;
import io.hypernet.weights.HypernetWeights;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * One batch through each engine (both layers, l=64, hidden=128), against the best fp32 GEMM
 * reachable here on the big layer alone: libtorch's {@code matMul} on resident arrays (no
 * copies) and netlib's {@code sgemm} (the BLAS Spark MLlib picks). One thread, as one Spark
 * task core gets.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class KernelBench {
  static final int L = 64;
  static final int HIDDEN = 128;

  @Param({"1024", "4096", "16384"})
  public int outputSize;

  @Param({"64", "256", "1024", "4096"})
  public int batch;

  private ReconciliationEngine jvmEngine;
  private ReconciliationEngine foldingEngine;
  private ReconciliationEngine djlEngine;
  private BatchReconciler jvm;
  private BatchReconciler folded;
  private BatchReconciler djl;
  private float[] w;
  private float[] hidden;
  private float[] out;
  private float[] a2;
  private NDManager manager;
  private NDArray hiddenNd;
  private NDArray a2t;
  private BLAS blas;

  @Setup(Level.Trial)
  public void setUp() {
    // n·D = outputSize as n=32 rows of D columns (any split gives the same work).
    HypernetConfig config = new ConfigValidator(new SizeLimits(1L << 30)).validate(List.of(
        new ConfigRow("bench", L, 32, outputSize / 32, HIDDEN, 42L, null, null, null, "bench")))
        .valid().get(0);
    HypernetWeights weights = HypernetWeights.seeded(config);
    // Activation none: "jvm" keeps both layers (the FLOPs the GEMMs are compared on); "folded"
    // is what the job runs, one composed layer (AffineFold).
    jvmEngine = new JvmEngine(false);
    foldingEngine = new JvmEngine(true);
    djlEngine = Engines.open(EngineKind.DJL, -1);
    jvm = jvmEngine.load(weights);
    folded = foldingEngine.load(weights);
    djl = djlEngine.load(weights);
    Random random = new Random(1);
    w = new float[batch * L];
    hidden = new float[batch * HIDDEN];
    for (int i = 0; i < w.length; i++) {
      w[i] = (float) random.nextGaussian();
    }
    for (int i = 0; i < hidden.length; i++) {
      hidden[i] = (float) random.nextGaussian();
    }
    out = new float[batch * outputSize];
    a2 = weights.a2();
    manager = NDManager.newBaseManager();
    hiddenNd = manager.create(hidden, new Shape(batch, HIDDEN));
    a2t = manager.create(a2, new Shape(outputSize, HIDDEN)).transpose().duplicate();
    blas = BLAS.getInstance();
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    manager.close();
    jvm.close();
    folded.close();
    djl.close();
    jvmEngine.close();
    foldingEngine.close();
    djlEngine.close();
  }

  @Benchmark
  public float[] jvmEngine() {
    jvm.reconcile(w, batch, out);
    return out;
  }

  @Benchmark
  public float[] jvmFolded() {
    folded.reconcile(w, batch, out);
    return out;
  }

  @Benchmark
  public float[] djlEngine() {
    djl.reconcile(w, batch, out);
    return out;
  }

  /** The big layer only, operands resident in libtorch: H[batch × 128] · A2ᵀ[128 × n·D]. */
  @Benchmark
  public void gemmLibtorch() {
    try (NDArray product = hiddenNd.matMul(a2t)) {
      product.getShape(); // matMul is eager on CPU; the result is dropped unread
    }
  }

  /** The same product with netlib sgemm, row-major out = H · A2ᵀ. */
  @Benchmark
  public float[] gemmNetlib() {
    blas.sgemm("T", "N", outputSize, batch, HIDDEN, 1f, a2, HIDDEN, hidden, HIDDEN, 0f, out,
        outputSize);
    return out;
  }
}
