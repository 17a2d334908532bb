package io.hypernet.engine;

import io.hypernet.weights.HypernetWeights;

/**
 * One hypernet loaded into an engine (its weights resident on the engine's device), turning
 * batches of w into batches of flattened W. Thread-safe: Spark tasks of one executor share it.
 */
public interface BatchReconciler extends AutoCloseable {

  HypernetWeights weights();

  /**
   * Computes W for {@code rows} vectors.
   *
   * @param w {@code rows × l} floats, row-major (the array may be longer)
   * @param out receives {@code rows × n·D} floats, row-major (the array may be longer)
   */
  void reconcile(float[] w, int rows, float[] out);

  /** Bytes this reconciler holds on its device, for cache accounting. */
  long residentBytes();

  @Override
  void close();
}
