package io.hypernet.spark.internal.gpu;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Bounds how many tasks of one executor JVM use one GPU at once (the idiom of spark-rapids'
 * GpuSemaphore): Spark may schedule more tasks on a device than fit its memory or keep it busy
 * (fractional {@code spark.task.resource.gpu.amount}); the extra ones wait here, first come first
 * served, instead of failing with CUDA out-of-memory errors.
 */
final class GpuSemaphore {
  /** One per CUDA device and limit (local mode may run several applications in one JVM). */
  private static final Map<String, GpuSemaphore> PER_DEVICE = new ConcurrentHashMap<>();

  private final Semaphore permits;
  private final AtomicInteger holders = new AtomicInteger();

  GpuSemaphore(int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("GPU task limit must be >= 1, got " + limit);
    }
    this.permits = new Semaphore(limit, true);
  }

  static GpuSemaphore of(int cudaOrdinal, int limit) {
    return PER_DEVICE.computeIfAbsent(cudaOrdinal + "/" + limit, k -> new GpuSemaphore(limit));
  }

  /**
   * Blocks until this caller may use the device; interruptible, so a killed task stops waiting.
   *
   * @return how long it waited, and how many holders the device had with it
   */
  Permit acquire() throws InterruptedException {
    long start = System.nanoTime();
    permits.acquire();
    return new Permit(System.nanoTime() - start, holders.incrementAndGet());
  }

  /** Returns a permit taken by {@link #acquire}; call exactly once per permit. */
  void release() {
    holders.decrementAndGet();
    permits.release();
  }

  /** A granted permit: the wait in nanoseconds, and the holders counting this one. */
  record Permit(long waitNanos, int holders) {}
}
