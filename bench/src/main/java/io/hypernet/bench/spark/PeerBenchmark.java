package io.hypernet.bench.spark;

import io.hypernet.job.sample.SampleData;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The job against what a PyTorch user would run instead: {@code bench/peer/hypernet_peer.py}
 * (pyarrow reads w in 1,024-row batches, PyTorch computes W per configuration, pyarrow's
 * ParquetWriter writes it, W uncompressed). Each contender is a fresh process on the same input
 * (2 configurations, one without activation and one sigmoid), taken in turn run after run: the
 * job as {@code bin/hypernet run} (a cold JVM: start-up and JIT included), the script with 2
 * torch threads and with 1. CPU is the user + system time of the process and its children.
 */
final class PeerBenchmark {
  private static final Logger LOG = LoggerFactory.getLogger(PeerBenchmark.class);
  static final String JOB = "hypernet job (bin/hypernet run, cold JVM)";
  private static final Pattern TIMES = Pattern.compile("(\\d+)m([\\d.]+)s (\\d+)m([\\d.]+)s");

  /** One run of one contender. */
  record Run(String contender, double wallSeconds, double cpuSeconds) {}

  private final SparkSession spark;
  private final Path dir;
  private final long rows;
  private final int partitions;
  private final String master;
  private final String python;
  private final Path home = home();

  PeerBenchmark(SparkSession spark, String dir, long rows, int partitions, String master,
      String python) {
    this.spark = spark;
    this.dir = Path.of(dir).toAbsolutePath();
    this.rows = rows;
    this.partitions = partitions;
    this.master = master;
    this.python = python;
  }

  /** The runs, and why the script was left out (null when it ran). */
  record Outcome(List<Run> runs, String scriptSkipped) {}

  Outcome run(int times) throws IOException, InterruptedException {
    EndToEndBenchmark.deleteRecursively(dir);
    String input = dir.resolve("input").toString();
    LOG.info("bench: generating {} w vectors, 2 configurations, into {}", rows, input);
    SampleData.write(spark, new SampleData.Spec(rows, 2, 64, 32, 128, 128, 42, 0, partitions),
        input);
    String skipped = scriptMissing();
    if (skipped != null) {
      LOG.warn("bench: the script is left out: {}", skipped);
    }
    // Untimed: the first launch after a build saves the launcher's class archive.
    job();
    List<Run> runs = new ArrayList<>();
    for (int i = 0; i < times; i++) {
      runs.add(timed(JOB, this::job));
      if (skipped == null) {
        for (int threads : new int[] {2, 1}) {
          runs.add(timed(scriptName(threads), () -> script(threads)));
        }
      }
    }
    return new Outcome(runs, skipped);
  }

  static String scriptName(int threads) {
    return "script: pyarrow + PyTorch, " + threads + (threads == 1 ? " thread" : " threads");
  }

  private interface Command {
    List<String> start() throws IOException;
  }

  private List<String> job() throws IOException {
    EndToEndBenchmark.deleteRecursively(dir.resolve("job"));
    return List.of(home.resolve("bin/hypernet").toString(), "run",
        "--input", dir.resolve("input/w").toString(),
        "--configs", dir.resolve("input/configs").toString(),
        "--output", dir.resolve("job/output").toString(),
        "--rejects", dir.resolve("job/rejects").toString(), "--master", master);
  }

  private List<String> script(int threads) throws IOException {
    EndToEndBenchmark.deleteRecursively(dir.resolve("script"));
    Files.createDirectories(dir.resolve("script"));
    return List.of(python, home.resolve("bench/peer/hypernet_peer.py").toString(),
        dir.resolve("input/w").toString(), dir.resolve("input/configs").toString(),
        dir.resolve("script/W.parquet").toString(), "--threads", Integer.toString(threads));
  }

  /** Why the script cannot run here, or null. */
  private String scriptMissing() throws InterruptedException {
    try {
      Process p = new ProcessBuilder(python, "-c", "import pyarrow, torch")
          .redirectErrorStream(true).start();
      String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      return p.waitFor() == 0 ? null : python + " lacks pyarrow or torch (pip install pyarrow "
          + "torch): " + output.strip().lines().reduce((a, b) -> b).orElse("");
    } catch (IOException e) {
      return python + " is not installed (" + e.getMessage() + ")";
    }
  }

  /**
   * Runs the command through bash, whose {@code times} gives the CPU of its finished children,
   * after flushing earlier writes so that no contender pays for another's writeback.
   */
  private Run timed(String contender, Command command) throws IOException,
      InterruptedException {
    List<String> argv = command.start();
    EndToEndBenchmark.settle();
    Path log = dir.resolve("last-run.log");
    List<String> wrapped = new ArrayList<>(List.of("bash", "-c",
        "\"$@\" > \"$LOG\" 2>&1; rc=$?; times; exit $rc", "bash"));
    wrapped.addAll(argv);
    ProcessBuilder builder = new ProcessBuilder(wrapped).redirectErrorStream(true);
    builder.environment().put("LOG", log.toString());
    builder.environment().put("HYPERNET_SPARK",
        org.apache.spark.package$.MODULE$.SPARK_VERSION().startsWith("3.") ? "3.5" : "4");
    builder.environment().remove("SPARK_HOME");
    long start = System.nanoTime();
    Process p = builder.start();
    String times = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    int exit = p.waitFor();
    double wall = (System.nanoTime() - start) / 1e9;
    if (exit != 0) {
      throw new IllegalStateException(contender + " failed (exit " + exit + "): "
          + String.join(" ", argv) + "\n" + Files.readString(log));
    }
    Matcher m = TIMES.matcher(times);
    if (!(m.find() && m.find())) { // the shell's own times, then its children's
      throw new IllegalStateException("no CPU times from bash: " + times);
    }
    double cpu = 60 * Double.parseDouble(m.group(1)) + Double.parseDouble(m.group(2))
        + 60 * Double.parseDouble(m.group(3)) + Double.parseDouble(m.group(4));
    LOG.info("bench: {}: {} rows in {} s, {} CPU-s", contender, rows,
        String.format(Locale.ROOT, "%.1f", wall), String.format(Locale.ROOT, "%.1f", cpu));
    return new Run(contender, wall, cpu);
  }

  /**
   * Per contender: wall and CPU, typical (median) and best, CPU per row, and the ratios to the
   * job's typical run (above 1: the contender takes more).
   */
  static String table(Outcome outcome, long rows) {
    List<String> contenders = outcome.runs().stream().map(Run::contender).distinct().toList();
    double jobWall = median(outcome.runs(), JOB, Run::wallSeconds);
    double jobCpu = median(outcome.runs(), JOB, Run::cpuSeconds);
    StringBuilder out = new StringBuilder("| contender | runs | wall s, typical (best) "
        + "| CPU s, typical (best) | CPU µs per row, typical (best) | wall ÷ job's "
        + "| CPU ÷ job's |\n|---|---:|---:|---:|---:|---:|---:|\n");
    for (String c : contenders) {
      List<Run> runs = outcome.runs().stream().filter(r -> r.contender().equals(c)).toList();
      double wall = median(runs, c, Run::wallSeconds);
      double cpu = median(runs, c, Run::cpuSeconds);
      double bestWall = runs.stream().mapToDouble(Run::wallSeconds).min().orElseThrow();
      double bestCpu = runs.stream().mapToDouble(Run::cpuSeconds).min().orElseThrow();
      out.append(String.format(Locale.ROOT,
          "| %s | %d | %.1f (%.1f) | %.1f (%.1f) | %.0f (%.0f) | %.2f | %.2f |%n", c,
          runs.size(), wall, bestWall, cpu, bestCpu, 1e6 * cpu / rows, 1e6 * bestCpu / rows,
          wall / jobWall, cpu / jobCpu));
    }
    if (outcome.scriptSkipped() != null) {
      out.append("\nThe script was not run: ").append(outcome.scriptSkipped()).append('\n');
    }
    return out.toString();
  }

  private static double median(List<Run> runs, String contender,
      java.util.function.ToDoubleFunction<Run> value) {
    double[] values = runs.stream().filter(r -> r.contender().equals(contender))
        .mapToDouble(value).sorted().toArray();
    int n = values.length;
    return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
  }

  /** The project's root: where bin/hypernet launched us, else the first parent holding it. */
  private static Path home() {
    String launched = System.getProperty("hypernet.home");
    if (launched != null) {
      return Path.of(launched);
    }
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.isExecutable(p.resolve("bin/hypernet"))) {
        return p;
      }
    }
    throw new IllegalStateException("cannot find bin/hypernet above " + Path.of("")
        .toAbsolutePath() + "; run the benchmark with bin/hypernet bench");
  }
}
