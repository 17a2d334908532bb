package io.hypernet.bench.spark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * This JVM's CPU time so far, user and system apart, and the part of it spent on Spark's task
 * threads (Linux {@code /proc/self}; elsewhere the process total as user time). On a shared
 * machine wall time says how long others let a contender run; CPU time says what it cost, and
 * system time is mostly the kernel taking the bytes.
 *
 * @param taskUserSeconds user time of the threads named "Executor task ..." (the rest is the
 *     driver, the garbage collector and the JIT compiler)
 */
public record ProcessCpu(double userSeconds, double systemSeconds, double taskUserSeconds,
    double taskSystemSeconds) {
  /** Clock ticks per second of {@code /proc/.../stat}: USER_HZ, 100 on every Linux ABI. */
  private static final double TICKS = 100.0;

  static ProcessCpu now() {
    try {
      long[] process = userAndSystem(Files.readString(Path.of("/proc/self/stat")));
      long taskUser = 0;
      long taskSystem = 0;
      List<Path> threads;
      try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
        threads = tasks.toList();
      }
      for (Path thread : threads) {
        String stat;
        try {
          stat = Files.readString(thread.resolve("stat"));
        } catch (IOException gone) {
          continue; // the thread ended meanwhile
        }
        if (stat.contains("(Executor task")) {
          long[] times = userAndSystem(stat);
          taskUser += times[0];
          taskSystem += times[1];
        }
      }
      return new ProcessCpu(process[0] / TICKS, process[1] / TICKS, taskUser / TICKS,
          taskSystem / TICKS);
    } catch (IOException | RuntimeException e) {
      java.lang.management.OperatingSystemMXBean os =
          java.lang.management.ManagementFactory.getOperatingSystemMXBean();
      long nanos = os instanceof com.sun.management.OperatingSystemMXBean sun
          ? sun.getProcessCpuTime() : 0;
      return new ProcessCpu(nanos / 1e9, 0, Double.NaN, Double.NaN);
    }
  }

  /** utime and stime of a {@code stat} line, in ticks. */
  private static long[] userAndSystem(String stat) {
    // Fields after the command name, which is in parentheses and may hold spaces.
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return new long[] {Long.parseLong(fields[11]), Long.parseLong(fields[12])};
  }

  ProcessCpu since(ProcessCpu start) {
    return new ProcessCpu(userSeconds - start.userSeconds, systemSeconds - start.systemSeconds,
        taskUserSeconds - start.taskUserSeconds, taskSystemSeconds - start.taskSystemSeconds);
  }

  public double totalSeconds() {
    return userSeconds + systemSeconds;
  }
}
