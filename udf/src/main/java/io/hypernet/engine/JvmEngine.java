package io.hypernet.engine;

import io.hypernet.config.Activation;
import io.hypernet.weights.HypernetWeights;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pure-JVM engine: both layers as {@link FmaLayer}s, vectorised with the JDK vector API when
 * {@code jdk.incubator.vector} is present. Its results do not depend on batch size, partitioning
 * or thread count, bit for bit, which is why it is our own kernel rather than a BLAS SGEMM (whose
 * blocking changes the summation order with the batch size).
 */
public final class JvmEngine implements ReconciliationEngine {
  private static final Logger LOG = LoggerFactory.getLogger(JvmEngine.class);

  public JvmEngine() {
    LOG.info("JVM engine uses the {} kernel", FmaLayer.implementation());
  }

  @Override
  public EngineKind kind() {
    return EngineKind.JVM;
  }

  @Override
  public String device() {
    return "cpu";
  }

  @Override
  public BatchReconciler load(HypernetWeights weights) {
    return new Reconciler(weights);
  }

  @Override
  public void close() {
    // Nothing native to release: weights live on the Java heap.
  }

  private static final class Reconciler implements BatchReconciler {
    private final HypernetWeights weights;
    private final FmaLayer first;
    private final FmaLayer second;

    Reconciler(HypernetWeights weights) {
      this.weights = weights;
      this.first = new FmaLayer(weights.inputSize(), weights.hiddenSize(), weights.a1(),
          weights.b1());
      this.second = new FmaLayer(weights.hiddenSize(), weights.outputSize(), weights.a2(),
          weights.b2());
    }

    @Override
    public HypernetWeights weights() {
      return weights;
    }

    @Override
    public void reconcile(float[] w, int rows, float[] out) {
      float[] h = new float[rows * weights.hiddenSize()];
      first.apply(w, rows, h);
      if (weights.activation() == Activation.SIGMOID) {
        for (int i = 0; i < h.length; i++) {
          // StrictMath keeps the activation identical on every JVM and CPU.
          h[i] = (float) (1.0 / (1.0 + StrictMath.exp(-(double) h[i])));
        }
      }
      second.apply(h, rows, out);
    }

    @Override
    public long residentBytes() {
      return first.sizeInBytes() + second.sizeInBytes();
    }

    @Override
    public void close() {
      // Heap only.
    }
  }
}
