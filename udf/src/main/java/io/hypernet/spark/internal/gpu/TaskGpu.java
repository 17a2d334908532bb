package io.hypernet.spark.internal.gpu;

import io.hypernet.config.HypernetConfig;
import io.hypernet.engine.DeviceBatchRule;
import io.hypernet.engine.ReconciliationEngine;
import java.util.OptionalLong;
import org.apache.spark.TaskContext;
import org.apache.spark.resource.ResourceInformation;
import org.apache.spark.util.TaskCompletionListener;

/**
 * The GPU Spark assigned to the running task ({@code spark.task.resource.gpu.amount}) and the
 * task's permit to use it: taken before the task's first batch touches the device, returned
 * when its partition is done or, on failure or kill, by a task completion listener. What the
 * task waited, and how many tasks held the device with it, go to a {@link GpuUseListener}.
 * Tasks without a GPU get {@link #NONE}, which does nothing.
 */
public final class TaskGpu {
  /** Told, once per task that had a GPU, how long it waited and how many tasks shared it. */
  public interface GpuUseListener {
    void gpuTaskDone(String address, long waitMillis, int holders);
  }

  public static final TaskGpu NONE = new TaskGpu();

  private final String address;
  private final int ordinal;
  private final GpuSettings settings;
  private final GpuSemaphore semaphore;
  private final GpuUseListener listener;
  private GpuSemaphore.Permit permit;
  private boolean done;

  private TaskGpu() {
    this.address = null;
    this.ordinal = -1;
    this.settings = GpuSettings.DEFAULTS;
    this.semaphore = null;
    this.listener = null;
  }

  private TaskGpu(String address, GpuSettings settings, GpuUseListener listener) {
    this.address = address;
    this.ordinal = GpuAddress.ordinal(address);
    this.settings = settings;
    this.semaphore = GpuSemaphore.of(ordinal, settings.concurrentTasks());
    this.listener = listener;
  }

  /** The running task's GPU, or {@link #NONE} outside a task or without a GPU resource. */
  public static TaskGpu forCurrentTask(GpuSettings settings, GpuUseListener listener) {
    TaskContext task = TaskContext.get();
    ResourceInformation gpu = task == null ? null : task.resourcesJMap().get("gpu");
    if (gpu == null || gpu.addresses().length == 0) {
      return NONE;
    }
    TaskGpu taskGpu = new TaskGpu(gpu.addresses()[0], settings, listener);
    task.addTaskCompletionListener((TaskCompletionListener) ctx -> taskGpu.release());
    return taskGpu;
  }

  /** The CUDA ordinal of the assigned GPU, or -1. */
  public int ordinal() {
    return ordinal;
  }

  /**
   * Waits for the device unless this task holds it already (or has no GPU). The wait holds no
   * lock, so a completion listener on another thread is never blocked behind it.
   */
  public void acquire() {
    synchronized (this) {
      if (semaphore == null || permit != null || done) {
        return;
      }
    }
    GpuSemaphore.Permit granted;
    try {
      granted = semaphore.acquire();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      TaskContext task = TaskContext.get();
      if (task != null) {
        task.killTaskIfInterrupted();
      }
      throw new IllegalStateException("interrupted waiting for GPU " + address, e);
    }
    synchronized (this) {
      if (done) { // the task ended while this waited
        semaphore.release();
      } else {
        permit = granted;
      }
    }
  }

  /** Gives the device back and records the task's use of it; later calls do nothing. */
  public synchronized void release() {
    if (semaphore == null || done) {
      return;
    }
    done = true;
    if (permit != null) {
      semaphore.release();
    }
    listener.gpuTaskDone(address, permit == null ? 0 : permit.waitNanos() / 1_000_000,
        permit == null ? 0 : permit.holders());
  }

  /**
   * Rows per engine call for {@code config}: {@code hostRows}, cut to this task's share of the
   * device's free memory when the engine computes on a GPU ({@link DeviceBatchRule}).
   */
  public int batchRows(ReconciliationEngine engine, HypernetConfig config, int hostRows) {
    OptionalLong free = engine.freeDeviceBytes();
    return free.isEmpty() ? hostRows : DeviceBatchRule.rows(free.getAsLong(),
        settings.memoryFraction(), settings.concurrentTasks(), config, hostRows);
  }
}
