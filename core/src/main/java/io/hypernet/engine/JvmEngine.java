package io.hypernet.engine;

import io.hypernet.config.Activation;
import io.hypernet.weights.HypernetWeights;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pure-JVM engine: the layers as {@link FmaLayer}s, vectorised with the JDK vector API when
 * {@code jdk.incubator.vector} is present; without an activation, both layers folded into one
 * ({@link AffineFold}) when that is less work. Its results do not depend on batch size,
 * partitioning or thread count, bit for bit, which is why it is our own kernel rather than a BLAS
 * SGEMM (whose blocking changes the summation order with the batch size).
 */
public final class JvmEngine implements ReconciliationEngine {
  private static final Logger LOG = LoggerFactory.getLogger(JvmEngine.class);
  private final boolean foldAffine;

  public JvmEngine() {
    this(true);
  }

  /**
   * @param foldAffine fold activation-free hypernets into one layer where that is less work (the
   *     default; false keeps two layers, to measure the difference)
   */
  public JvmEngine(boolean foldAffine) {
    this.foldAffine = foldAffine;
    LOG.info("JVM engine uses the {} kernel{}", FmaLayer.implementation(),
        foldAffine ? ", activation-free hypernets folded into one layer" : "");
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
    return new Reconciler(weights, foldAffine && AffineFold.pays(weights));
  }

  @Override
  public void close() {
    // Nothing native to release: weights live on the Java heap.
  }

  private static final class Reconciler implements BatchReconciler {
    private final HypernetWeights weights;
    /** The first layer, or the folded single layer. */
    private final FmaLayer first;
    /** The second layer; null when folded. */
    private final FmaLayer second;

    Reconciler(HypernetWeights weights, boolean fold) {
      this.weights = weights;
      if (fold) {
        this.first = AffineFold.compose(weights);
        this.second = null;
      } else {
        this.first = new FmaLayer(weights.inputSize(), weights.hiddenSize(), weights.a1(),
            weights.b1());
        this.second = new FmaLayer(weights.hiddenSize(), weights.outputSize(), weights.a2(),
            weights.b2());
      }
    }

    @Override
    public HypernetWeights weights() {
      return weights;
    }

    @Override
    public void reconcile(float[] w, int rows, float[] out) {
      if (second == null) {
        first.apply(w, rows, out);
        return;
      }
      float[] h = new float[Math.toIntExact((long) rows * weights.hiddenSize())];
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
      return first.sizeInBytes() + (second == null ? 0 : second.sizeInBytes());
    }

    @Override
    public void close() {
      // Heap only.
    }
  }
}
