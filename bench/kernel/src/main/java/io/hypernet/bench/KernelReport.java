package io.hypernet.bench;

import java.util.Collection;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs {@link KernelBench} and prints the BENCHMARKS.md table: rows/s and GFLOP/s per engine,
 * the JVM kernel's GFLOP/s as a share of the best GEMM measured in the same run, and what folding
 * the activation-free layers into one gains on top.
 */
public final class KernelReport {
  private KernelReport() {}

  /** Arguments are JMH's own, e.g. {@code -p outputSize=4096 jvmEngine} to run a subset. */
  public static void main(String[] args) throws RunnerException, CommandLineOptionException {
    CommandLineOptions given = new CommandLineOptions(args);
    ChainedOptionsBuilder builder = new OptionsBuilder().parent(given);
    if (given.getIncludes().isEmpty()) {
      builder.include(KernelBench.class.getName());
    }
    Options options = builder
        .forks(1)
        .warmupIterations(2).warmupTime(TimeValue.seconds(1))
        .measurementIterations(3).measurementTime(TimeValue.seconds(1))
        .jvmArgsAppend("--add-modules=jdk.incubator.vector", "-Xmx6g", "-Dai.djl.offline=true",
            "-Dai.djl.pytorch.num_threads=1", "-Dai.djl.pytorch.num_interop_threads=1")
        .build();
    System.out.print(table(new Runner(options).run()));
  }

  /** Mean microseconds per call, keyed "outputSize/batch" then benchmark method. */
  static String table(Collection<RunResult> results) {
    Map<String, Map<String, Double>> micros = new TreeMap<>((a, b) -> {
      String[] x = a.split("/");
      String[] y = b.split("/");
      int c = Integer.compare(Integer.parseInt(x[0]), Integer.parseInt(y[0]));
      return c != 0 ? c : Integer.compare(Integer.parseInt(x[1]), Integer.parseInt(y[1]));
    });
    for (RunResult r : results) {
      String method = r.getParams().getBenchmark();
      method = method.substring(method.lastIndexOf('.') + 1);
      String key = r.getParams().getParam("outputSize") + "/" + r.getParams().getParam("batch");
      micros.computeIfAbsent(key, k -> new TreeMap<>())
          .put(method, r.getPrimaryResult().getScore());
    }
    StringBuilder out = new StringBuilder(
        "| n·D | batch | jvm rows/s | jvm GFLOP/s | djl rows/s | djl GFLOP/s | libtorch GEMM "
            + "GFLOP/s | netlib GEMM GFLOP/s | jvm ÷ best GEMM | jvm folded rows/s "
            + "| folded ÷ jvm |\n"
            + "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    micros.forEach((key, m) -> {
      int outputSize = Integer.parseInt(key.split("/")[0]);
      int batch = Integer.parseInt(key.split("/")[1]);
      double engineFlops = 2.0 * batch * (KernelBench.L * KernelBench.HIDDEN
          + (double) KernelBench.HIDDEN * outputSize);
      double gemmFlops = 2.0 * batch * KernelBench.HIDDEN * (double) outputSize;
      double jvm = gflops(engineFlops, m.getOrDefault("jvmEngine", Double.NaN));
      double djl = gflops(engineFlops, m.getOrDefault("djlEngine", Double.NaN));
      double torch = gflops(gemmFlops, m.getOrDefault("gemmLibtorch", Double.NaN));
      double netlib = gflops(gemmFlops, m.getOrDefault("gemmNetlib", Double.NaN));
      double jvmRows = batch / (m.getOrDefault("jvmEngine", Double.NaN) * 1e-6);
      double foldedRows = batch / (m.getOrDefault("jvmFolded", Double.NaN) * 1e-6);
      out.append(String.format(Locale.ROOT,
          "| %d | %d | %.0f | %.1f | %.0f | %.1f | %.1f | %.1f | %.0f %% | %.0f | %.2f |%n",
          outputSize, batch, jvmRows, jvm, djl * 1e9 / engineFlops * batch, djl, torch, netlib,
          100 * jvm / Math.max(torch, netlib), foldedRows, foldedRows / jvmRows));
    });
    return out.toString();
  }

  private static double gflops(double flops, double micros) {
    return flops / (micros * 1e-6) / 1e9;
  }
}
