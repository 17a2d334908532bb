package io.hypernet.job.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hypernet.job.failure.JobFailure;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import io.hypernet.spark.internal.TestHooks;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The publish state machine without Spark: a simulated crash after every step (and after every
 * step of the repair that follows it), with and without a previous output, with and without a
 * separate rejects dataset. A crash here is an Error thrown by the step hook and the crashed
 * run's leases deleted, as a killed driver leaves them; the real SIGKILL of a driver is
 * PublishStepKillIT's. This class runs on the local filesystem; {@link PublicationOnS3Test} runs
 * the same on an object store, where the publish moves file by file ({@link ObjectStoreMove}).
 */
@Tag("spark-independent") // the same on every Spark line: runs on one,
@Tag("on-4.2") // 4.2, whose build has more room (see the parent POM)
class PublicationTest {
  @TempDir
  java.nio.file.Path localDir;

  /**
   * The filesystem under test: here the local one without its checksum files, which tripled
   * this test's time and change nothing a publish does.
   */
  FileSystem fs() throws IOException {
    return FileSystem.getLocal(new Configuration()).getRawFileSystem();
  }

  /** An empty directory on {@link #fs()} for the test's targets. */
  Path root() throws IOException {
    return new Path(localDir.toUri());
  }

  /**
   * All cases, or (on a store where each costs dozens of requests) only those with a previous
   * output and a separate rejects dataset, the hardest, with every repair step crashed only
   * after one publish crash.
   */
  boolean allCases() {
    return true;
  }

  /** Thrown by the step hook in place of a halt; nothing in Publication catches it. */
  private static final class Crash extends Error {
    Crash(String step) {
      super("simulated crash after " + step);
    }
  }

  @BeforeAll
  static void slowLeaseRefresh() {
    // The crashed run's refresher must not bring back the leases the test deletes.
    System.setProperty(TestHooks.LEASE_REFRESH_MS, "3600000");
  }

  @AfterAll
  static void restoreLeaseRefresh() {
    System.clearProperty(TestHooks.LEASE_REFRESH_MS);
  }

  @Test
  void everyCrashDuringPublishOrRepairLeavesAStateTheNextRunCompletes() throws Exception {
    int cases = 0;
    boolean objectStore = ObjectStoreMove.renamesByCopying(fs());
    for (boolean previous : allCases() ? new boolean[] {false, true} : new boolean[] {true}) {
      for (boolean separateRejects : allCases() ? new boolean[] {false, true}
          : new boolean[] {true}) {
        Scenario clean = scenario("clean-" + previous + separateRejects, previous,
            separateRejects);
        List<String> steps = clean.stepsOfACleanPublish();
        // Object stores: per dataset unmarked, old-removed, a step per moved file, in, marked.
        int expected = objectStore ? (separateRejects ? 17 : 9)
            : separateRejects ? (previous ? 9 : 7) : (previous ? 5 : 4);
        assertEquals(expected, steps.size(), steps.toString());
        for (String crashAt : steps) {
          Scenario s = scenario("c" + cases++, previous, separateRejects);
          s.crashPublishAt(crashAt);
          s.assertEveryTargetWholeOrMarkedBusy(crashAt);
          if (allCases() || crashAt.equals("out-file")) {
            Scenario probe = scenario("c" + cases++, previous, separateRejects);
            probe.crashPublishAt(crashAt);
            // How many files a repair still moves depends on how many copies the crashed
            // publish had in flight (they run on after an in-process crash): "-file" is crashed
            // only as a publish step.
            for (String repairCrashAt : probe.repairSteps().stream()
                .filter(step -> !step.endsWith("-file")).toList()) {
              Scenario r = scenario("c" + cases++, previous, separateRejects);
              r.crashPublishAt(crashAt);
              r.crashRepairAt(repairCrashAt);
              r.assertEveryTargetWholeOrMarkedBusy(crashAt + " then " + repairCrashAt);
              r.repairAndCheck(crashAt + " then " + repairCrashAt);
            }
          }
          s.repairAndCheck(crashAt);
        }
      }
    }
    assertTrue(cases > (allCases() ? 50 : 20), "cases " + cases);
  }

  @Test
  void aLiveRunsStagingSurvivesAnotherRunsSweepAndAGoneRunsIsRemoved() throws Exception {
    Scenario live = scenario("live", false, false);
    FileSystem fs = fs();
    // An object's time cannot be set (S3A's setTimes does nothing): no stale lease there.
    boolean canAge = !ObjectStoreMove.renamesByCopying(fs);
    try (Publication running = live.publication("live", step -> { })) {
      running.prepare();
      live.stage("live");
      Path gone = live.siblingOf("out", "staging-gone");
      write(fs, new Path(gone, "part"), "gone");
      Path stale = live.siblingOf("out", "staging-stale");
      if (canAge) {
        write(fs, new Path(stale, "part"), "stale");
        Path staleLease = live.siblingOf("out", "lease-stale");
        write(fs, staleLease, "elsewhere 1 1\n");
        fs.setTimes(staleLease, System.currentTimeMillis() - RunLease.expiryMillis() - 60_000,
            -1);
      }
      Path remote = live.siblingOf("out", "staging-remote");
      write(fs, new Path(remote, "part"), "remote");
      write(fs, live.siblingOf("out", "lease-remote"), "elsewhere 1 1\n");

      try (Publication other = live.publication("other", step -> { })) {
        other.prepare();
      }
      assertTrue(fs.isDirectory(live.siblingOf("out", "staging-live")), "live run kept");
      assertTrue(fs.isDirectory(remote), "a fresh lease from another host is kept");
      assertFalse(fs.exists(gone), "a staging without lease is removed");
      assertFalse(fs.exists(stale), "a staging whose lease expired is removed");
      running.publish();
    }
    assertEquals(Set.of("live"), live.markers(live.target("out")));
  }

  @Test
  void aSecondRunWaitsForTheFirstsPublishAndThenReplacesOrRefusesItsOutput() throws Exception {
    for (OutputPublisher.Mode mode : OutputPublisher.Mode.values()) {
      Scenario s = scenario("race-" + mode, false, true, mode);
      CountDownLatch claimed = new CountDownLatch(1);
      CountDownLatch release = new CountDownLatch(1);
      Publication first = s.publication("first", step -> {
        if (step.equals("out-journal")) {
          claimed.countDown();
          await(release);
        }
      });
      Publication second = s.publication("second", step -> { });
      first.prepare();
      second.prepare();
      s.stage("first");
      s.stage("second");
      CompletableFuture<Void> firstPublish = CompletableFuture.runAsync(() -> publish(first));
      assertTrue(claimed.await(10, TimeUnit.SECONDS));
      CompletableFuture<Void> secondPublish = CompletableFuture.runAsync(() -> publish(second));
      Thread.sleep(500);
      assertFalse(secondPublish.isDone(), "the second run waits while the first publishes");
      release.countDown();
      firstPublish.get(10, TimeUnit.SECONDS);
      if (mode == OutputPublisher.Mode.OVERWRITE) {
        secondPublish.get(30, TimeUnit.SECONDS);
        assertEquals(Set.of("second"), s.markers(s.target("out")));
        assertEquals(Set.of("second"), s.markers(s.target("rej")));
      } else {
        Throwable failure = assertThrows(Exception.class,
            () -> secondPublish.get(30, TimeUnit.SECONDS)).getCause();
        assertEquals(JobFailure.INVALID_INPUT, ((JobFailure) failure).exitCode());
        assertTrue(failure.getMessage().contains("appeared while the job ran"),
            failure.getMessage());
        assertEquals(Set.of("first"), s.markers(s.target("out")));
        assertEquals(Set.of("first"), s.markers(s.target("rej")));
      }
      first.close();
      second.close();
      assertEquals(List.of(), s.leftovers(), "nothing is left next to the targets");
    }
  }

  private Scenario scenario(String name, boolean previous, boolean separateRejects)
      throws IOException {
    return scenario(name, previous, separateRejects, OutputPublisher.Mode.OVERWRITE);
  }

  private Scenario scenario(String name, boolean previous, boolean separateRejects,
      OutputPublisher.Mode mode) throws IOException {
    return new Scenario(fs(), new Path(root(), name), previous, separateRejects, mode);
  }

  private static void publish(Publication p) {
    try {
      p.publish();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void await(CountDownLatch latch) {
    try {
      assertTrue(latch.await(10, TimeUnit.SECONDS));
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void write(FileSystem fs, Path file, String text) throws IOException {
    try (var out = fs.create(file, true)) {
      out.write(text.getBytes(StandardCharsets.UTF_8));
    }
  }

  /** Targets "out" (and "rej") under one directory; datasets are directories of marker files. */
  private static final class Scenario {
    private final FileSystem fs;
    private final Path root;
    private final boolean previous;
    private final boolean separateRejects;
    private final OutputPublisher.Mode mode;

    Scenario(FileSystem fs, Path root, boolean previous, boolean separateRejects,
        OutputPublisher.Mode mode) throws IOException {
      this.fs = fs;
      this.root = root;
      this.previous = previous;
      this.separateRejects = separateRejects;
      this.mode = mode;
      fs.mkdirs(root);
      if (previous) {
        for (String name : names()) {
          writeDataset(target(name), "old");
        }
      }
    }

    List<String> names() {
      return separateRejects ? List.of("rej", "out") : List.of("out");
    }

    Path target(String name) {
      return new Path(root, name);
    }

    Path siblingOf(String name, String suffix) {
      return new Path(root, name + "." + suffix);
    }

    Publication publication(String run, Consumer<String> afterStep) {
      List<OutputPublisher> datasets = new ArrayList<>();
      for (String name : names()) {
        datasets.add(new OutputPublisher(name, fs, target(name), run, mode));
      }
      return new Publication(fs.getConf(), run, datasets, afterStep);
    }

    void stage(String run) throws IOException {
      for (String name : names()) {
        writeDataset(siblingOf(name, "staging-" + run), run);
      }
    }

    List<String> stepsOfACleanPublish() throws IOException {
      List<String> steps = new ArrayList<>();
      try (Publication p = publication("new", steps::add)) {
        p.prepare();
        stage("new");
        p.publish();
      }
      return steps;
    }

    void crashPublishAt(String step) throws IOException {
      Publication p = publication("new", s -> crashIf(s, step));
      p.prepare();
      stage("new");
      assertThrows(Crash.class, p::publish);
      crashed("new");
    }

    List<String> repairSteps() throws IOException {
      List<String> steps = new ArrayList<>();
      try (Publication p = publication("repair", steps::add)) {
        p.prepare();
      }
      return steps;
    }

    void crashRepairAt(String step) throws IOException {
      assertThrows(Crash.class, () -> publication("repair", s -> crashIf(s, step)).prepare());
      crashed("repair");
    }

    /** A killed driver leaves its leases; they are as good as absent once it is gone. */
    private void crashed(String run) throws IOException {
      for (String name : names()) {
        fs.delete(siblingOf(name, "lease-" + run), false);
      }
    }

    /**
     * After a crash: each target is absent, or one whole dataset (old or new), never a mix; on
     * an object store a target may also be mid-move, but then it has no {@code _SUCCESS} and
     * its journal is beside it.
     */
    void assertEveryTargetWholeOrMarkedBusy(String when) throws IOException {
      for (String name : names()) {
        Set<String> markers = markers(target(name));
        boolean whole = markers.equals(Set.of("old")) || markers.equals(Set.of("new"));
        boolean journal = fs.exists(new Path(root, name + ".publish"));
        if (ObjectStoreMove.renamesByCopying(fs) && !fs.exists(new Path(target(name),
            ObjectStoreMove.MARKER))) {
          assertTrue(journal || markers.isEmpty(), name + " without _SUCCESS after a crash at "
              + when + " has no journal: " + markers);
          continue;
        }
        assertTrue(markers.isEmpty() || whole, name + " after a crash at " + when + ": "
            + markers);
        if (markers.isEmpty() && previous) {
          assertTrue(journal,
              "an absent target has a journal saying where the previous one is, " + when);
        }
      }
    }

    /** The next run repairs: the publish is complete (or never began), nothing is left over. */
    void repairAndCheck(String when) throws IOException {
      try (Publication next = publication("next", step -> { })) {
        next.prepare();
      }
      Set<Set<String>> states = new java.util.HashSet<>();
      for (String name : names()) {
        states.add(markers(target(name)));
        if (fs.exists(target(name))) {
          assertTrue(fs.exists(new Path(target(name), ObjectStoreMove.MARKER)),
              name + " has its _SUCCESS after repairing " + when);
        }
      }
      Set<String> before = previous ? Set.of("old") : Set.of();
      assertEquals(1, states.size(), "all targets from one run after repairing " + when);
      boolean claimedAll = !when.startsWith("rej-journal");
      assertEquals(claimedAll ? Set.of("new") : before, states.iterator().next(),
          "after repairing " + when);
      assertEquals(List.of(), leftovers(), "nothing is left next to the targets, " + when);
    }

    List<String> leftovers() throws IOException {
      List<String> left = new ArrayList<>();
      for (FileStatus f : fs.listStatus(root)) {
        String n = f.getPath().getName();
        if (!names().contains(n) && !n.startsWith(".")) {
          left.add(n);
        }
      }
      return left.stream().sorted().toList();
    }

    /** The runs whose marker files the dataset holds ({@code _SUCCESS} aside). */
    Set<String> markers(Path dataset) throws IOException {
      if (!fs.exists(dataset)) {
        return Set.of();
      }
      Set<String> markers = new TreeSet<>();
      for (FileStatus f : fs.listStatus(dataset)) {
        String n = f.getPath().getName();
        if (!n.startsWith(".") && !n.equals(ObjectStoreMove.MARKER)) {
          markers.add(read(f.getPath()));
        }
      }
      return markers;
    }

    private String read(Path p) throws IOException {
      try (var in = fs.open(p)) {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
    }

    private void writeDataset(Path dir, String marker) throws IOException {
      fs.mkdirs(dir);
      for (String file : List.of("part-00000.parquet", "part-00001.parquet", "_SUCCESS")) {
        write(fs, new Path(dir, file), marker);
      }
    }

    private static void crashIf(String step, String crashAt) {
      if (step.equals(crashAt)) {
        throw new Crash(step);
      }
    }
  }
}
