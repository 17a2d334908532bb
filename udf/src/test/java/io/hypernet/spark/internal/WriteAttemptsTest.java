package io.hypernet.spark.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hypernet.testing.LocalSpark;
import java.util.Arrays;
import org.apache.spark.SparkContext;
import org.apache.spark.Success$;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.SparkListenerTaskStart;
import org.apache.spark.scheduler.TaskInfo;
import org.apache.spark.scheduler.TaskLocality;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The driver waits for the last attempt of a write, including one that outlives its job. */
class WriteAttemptsTest {
  private static SparkSession spark;

  @BeforeAll
  static void start() {
    spark = LocalSpark.start("local[2]");
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  @Test
  void waitsForTheMarkedExecutionAndForAnAttemptStillRunningAfterIt() throws Exception {
    SparkContext sc = spark.sparkContext();
    WriteAttempts attempts = new WriteAttempts();
    sc.addSparkListener(attempts);
    try {
      assertEquals(-1, attempts.awaitEnd(200), "nothing marked ran yet");
      spark.range(100).repartition(3).count(); // not the write's: ignored
      assertEquals(-1, attempts.awaitEnd(200));

      long count = attempts.run(sc, () -> spark.range(100).repartition(3).count());
      assertEquals(100, count);
      assertEquals(0, attempts.awaitEnd(30_000), "every attempt of the write ended");

      // A losing speculative attempt of the write's last stage, still being killed.
      int[] jobs = sc.statusTracker().getJobIdsForGroup(null);
      int stage = Arrays.stream(sc.statusTracker().getJobInfo(Arrays.stream(jobs).max()
          .getAsInt()).get().stageIds()).max().getAsInt();
      TaskInfo zombie = new TaskInfo(1_000_000L, 0, 1, 0, System.currentTimeMillis(), "1",
          "127.0.0.2", TaskLocality.ANY(), true);
      attempts.onTaskStart(new SparkListenerTaskStart(stage, 0, zombie));
      assertEquals(1, attempts.awaitEnd(200));
      Thread killed = new Thread(() -> {
        sleep(300);
        attempts.onTaskEnd(new SparkListenerTaskEnd(stage, 0, "ResultTask", Success$.MODULE$,
            zombie, null, null));
      });
      long startNanos = System.nanoTime();
      killed.start();
      assertEquals(0, attempts.awaitEnd(30_000));
      assertTrue(System.nanoTime() - startNanos >= 250_000_000L, "it waited for the attempt");
      killed.join();
    } finally {
      sc.removeSparkListener(attempts);
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
