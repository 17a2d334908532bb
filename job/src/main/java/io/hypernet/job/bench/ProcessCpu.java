package io.hypernet.job.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * This JVM's CPU time so far, user and system apart (Linux {@code /proc/self/stat}; elsewhere
 * the total as user time). On a shared machine wall time says how long others let a contender
 * run; CPU time says what it cost, and system time is mostly the kernel taking the bytes.
 */
public record ProcessCpu(double userSeconds, double systemSeconds) {
  /** Clock ticks per second of {@code /proc/self/stat}: USER_HZ, 100 on every Linux ABI. */
  private static final double TICKS = 100.0;

  static ProcessCpu now() {
    try {
      String stat = Files.readString(Path.of("/proc/self/stat"));
      // Fields after the command name, which is in parentheses and may hold spaces.
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return new ProcessCpu(Long.parseLong(fields[11]) / TICKS,
          Long.parseLong(fields[12]) / TICKS);
    } catch (IOException | RuntimeException e) {
      java.lang.management.OperatingSystemMXBean os =
          java.lang.management.ManagementFactory.getOperatingSystemMXBean();
      long nanos = os instanceof com.sun.management.OperatingSystemMXBean sun
          ? sun.getProcessCpuTime() : 0;
      return new ProcessCpu(nanos / 1e9, 0);
    }
  }

  ProcessCpu since(ProcessCpu start) {
    return new ProcessCpu(userSeconds - start.userSeconds, systemSeconds - start.systemSeconds);
  }

  public double totalSeconds() {
    return userSeconds + systemSeconds;
  }
}
