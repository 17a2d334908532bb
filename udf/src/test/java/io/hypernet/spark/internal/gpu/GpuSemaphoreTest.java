package io.hypernet.spark.internal.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The per-device GPU task limit, with real threads standing in for tasks. */
@Tag("spark-independent") // the same on every Spark line: runs on the default one
class GpuSemaphoreTest {

  @Test
  void neverLetsMoreThanTheLimitUseTheDeviceAndEachHolderSeesHowManyShareIt() throws Exception {
    GpuSemaphore semaphore = new GpuSemaphore(2);
    AtomicInteger inside = new AtomicInteger();
    AtomicInteger peak = new AtomicInteger();
    AtomicInteger peakSeenByHolders = new AtomicInteger();
    ExecutorService tasks = Executors.newFixedThreadPool(6);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < 12; t++) {
        done.add(tasks.submit(() -> {
          GpuSemaphore.Permit permit = semaphore.acquire();
          try {
            peak.accumulateAndGet(inside.incrementAndGet(), Math::max);
            peakSeenByHolders.accumulateAndGet(permit.holders(), Math::max);
            Thread.sleep(20);
          } finally {
            inside.decrementAndGet();
            semaphore.release();
          }
          return null;
        }));
      }
      for (Future<?> f : done) {
        f.get(30, TimeUnit.SECONDS);
      }
    } finally {
      tasks.shutdownNow();
    }
    assertEquals(2, peak.get(), "six threads, two at a time");
    assertEquals(2, peakSeenByHolders.get());
  }

  @Test
  void aTaskThatFailedWhileHoldingTheDeviceLetsTheNextOneInAndWaitsAreTimed() throws Exception {
    GpuSemaphore semaphore = new GpuSemaphore(1);
    CountDownLatch holding = new CountDownLatch(1);
    Thread failing = new Thread(() -> {
      try {
        semaphore.acquire();
        try {
          holding.countDown();
          Thread.sleep(300);
          throw new IllegalStateException("task failed on the device");
        } finally {
          semaphore.release(); // what the task completion listener does
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    failing.setUncaughtExceptionHandler((t, e) -> { });
    failing.start();
    assertTrue(holding.await(10, TimeUnit.SECONDS));
    GpuSemaphore.Permit next = semaphore.acquire();
    assertTrue(next.waitNanos() >= TimeUnit.MILLISECONDS.toNanos(200),
        "waited for the failing task: " + next.waitNanos() + " ns");
    assertEquals(1, next.holders());
    semaphore.release();
    failing.join();
  }

  @Test
  void aKilledTaskStopsWaitingWithoutTakingAPermit() throws Exception {
    GpuSemaphore semaphore = new GpuSemaphore(1);
    semaphore.acquire();
    AtomicInteger outcome = new AtomicInteger();
    Thread waiting = new Thread(() -> {
      try {
        semaphore.acquire();
        outcome.set(1);
      } catch (InterruptedException e) {
        outcome.set(2);
      }
    });
    waiting.start();
    Thread.sleep(100);
    waiting.interrupt(); // Spark kills a task by interrupting its thread
    waiting.join(10_000);
    assertEquals(2, outcome.get());
    semaphore.release();
    assertEquals(1, semaphore.acquire().holders(), "the killed waiter holds nothing");
  }

  @Test
  void aLimitBelowOneIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> new GpuSemaphore(0));
  }
}
