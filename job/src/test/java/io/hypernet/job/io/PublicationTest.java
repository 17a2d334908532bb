package io.hypernet.job.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hypernet.job.failure.JobFailure;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
import org.apache.hadoop.fs.FileSystem;
import io.hypernet.spark.internal.TestHooks;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The publish state machine on the local filesystem, without Spark: a simulated crash after
 * every step (and after every step of the repair that follows it), with and without a previous
 * output, with and without a separate rejects dataset. A crash here is an Error thrown by the
 * step hook and the crashed run's leases deleted, as a killed driver leaves them; the real
 * SIGKILL of a driver is PublishStepKillIT's.
 */
@Tag("spark-independent") // the same on every Spark line: runs on one,
@Tag("on-4.2") // 4.2, whose build has more room (see the parent POM)
class PublicationTest {
  private static final Configuration HADOOP = new Configuration();

  @TempDir
  Path dir;

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
    for (boolean previous : new boolean[] {false, true}) {
      for (boolean separateRejects : new boolean[] {false, true}) {
        Scenario clean = new Scenario(dir.resolve("clean-" + previous + separateRejects),
            previous, separateRejects);
        List<String> steps = clean.stepsOfACleanPublish();
        assertEquals(separateRejects ? (previous ? 9 : 7) : (previous ? 5 : 4), steps.size(),
            steps.toString());
        for (String crashAt : steps) {
          Scenario s = new Scenario(dir.resolve("c" + cases++), previous, separateRejects);
          s.crashPublishAt(crashAt);
          s.assertEveryTargetWholeOrAbsent(crashAt);
          Scenario probe = new Scenario(dir.resolve("c" + cases++), previous, separateRejects);
          probe.crashPublishAt(crashAt);
          for (String repairCrashAt : probe.repairSteps()) {
            Scenario r = new Scenario(dir.resolve("c" + cases++), previous, separateRejects);
            r.crashPublishAt(crashAt);
            r.crashRepairAt(repairCrashAt);
            r.assertEveryTargetWholeOrAbsent(crashAt + " then " + repairCrashAt);
            r.repairAndCheck(crashAt + " then " + repairCrashAt);
          }
          s.repairAndCheck(crashAt);
        }
      }
    }
    assertTrue(cases > 50, "cases " + cases);
  }

  @Test
  void aLiveRunsStagingSurvivesAnotherRunsSweepAndAGoneRunsIsRemoved() throws Exception {
    Scenario live = new Scenario(dir.resolve("live"), false, false);
    try (Publication running = live.publication("live", step -> { })) {
      running.prepare();
      live.stage("live");
      Path gone = live.siblingOf("out", "staging-gone");
      Files.createDirectories(gone);
      Path stale = live.siblingOf("out", "staging-stale");
      Files.createDirectories(stale);
      Path staleLease = Files.writeString(live.siblingOf("out", "lease-stale"), "elsewhere 1 1\n");
      Files.setLastModifiedTime(staleLease, java.nio.file.attribute.FileTime.fromMillis(
          System.currentTimeMillis() - RunLease.expiryMillis() - 60_000));
      Path remote = live.siblingOf("out", "staging-remote");
      Files.createDirectories(remote);
      Files.writeString(live.siblingOf("out", "lease-remote"), "elsewhere 1 1\n");

      try (Publication other = live.publication("other", step -> { })) {
        other.prepare();
      }
      assertTrue(Files.isDirectory(live.siblingOf("out", "staging-live")), "live run kept");
      assertTrue(Files.isDirectory(remote), "a fresh lease from another host is kept");
      assertFalse(Files.exists(gone), "a staging without lease is removed");
      assertFalse(Files.exists(stale), "a staging whose lease expired is removed");
      running.publish();
    }
    assertEquals(Set.of("live"), live.markers(live.target("out")));
  }

  @Test
  void aSecondRunWaitsForTheFirstsPublishAndThenReplacesOrRefusesItsOutput() throws Exception {
    for (OutputPublisher.Mode mode : OutputPublisher.Mode.values()) {
      Scenario s = new Scenario(dir.resolve("race-" + mode), false, true, mode);
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
        secondPublish.get(10, TimeUnit.SECONDS);
        assertEquals(Set.of("second"), s.markers(s.target("out")));
        assertEquals(Set.of("second"), s.markers(s.target("rej")));
      } else {
        Throwable failure = assertThrows(Exception.class,
            () -> secondPublish.get(10, TimeUnit.SECONDS)).getCause();
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

  /** Targets "out" (and "rej") under one directory; datasets are directories of marker files. */
  private static final class Scenario {
    private final Path root;
    private final boolean previous;
    private final boolean separateRejects;
    private final OutputPublisher.Mode mode;

    Scenario(Path root, boolean previous, boolean separateRejects) throws IOException {
      this(root, previous, separateRejects, OutputPublisher.Mode.OVERWRITE);
    }

    Scenario(Path root, boolean previous, boolean separateRejects, OutputPublisher.Mode mode)
        throws IOException {
      this.root = root;
      this.previous = previous;
      this.separateRejects = separateRejects;
      this.mode = mode;
      Files.createDirectories(root);
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
      return root.resolve(name);
    }

    Path siblingOf(String name, String suffix) {
      return root.resolve(name + "." + suffix);
    }

    Publication publication(String run, Consumer<String> afterStep) throws IOException {
      FileSystem fs = FileSystem.getLocal(HADOOP);
      List<OutputPublisher> datasets = new ArrayList<>();
      for (String name : names()) {
        datasets.add(new OutputPublisher(name, fs,
            new org.apache.hadoop.fs.Path(target(name).toString()), run, mode));
      }
      return new Publication(HADOOP, run, datasets, afterStep);
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
        Files.deleteIfExists(siblingOf(name, "lease-" + run));
      }
    }

    /** After a crash: each target is absent, or one whole dataset (old or new), never a mix. */
    void assertEveryTargetWholeOrAbsent(String when) throws IOException {
      for (String name : names()) {
        Set<String> markers = markers(target(name));
        assertTrue(markers.isEmpty() || markers.equals(Set.of("old"))
            || markers.equals(Set.of("new")), name + " after a crash at " + when + ": "
            + markers);
        if (markers.isEmpty() && previous) {
          assertTrue(Files.exists(root.resolve(name + ".publish")),
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
      }
      Set<String> before = previous ? Set.of("old") : Set.of();
      assertEquals(1, states.size(), "all targets from one run after repairing " + when);
      boolean claimedAll = !when.startsWith("rej-journal");
      assertEquals(claimedAll ? Set.of("new") : before, states.iterator().next(),
          "after repairing " + when);
      assertEquals(List.of(), leftovers(), "nothing is left next to the targets, " + when);
    }

    List<String> leftovers() throws IOException {
      try (Stream<Path> files = Files.list(root)) {
        return files.map(p -> p.getFileName().toString())
            .filter(n -> !names().contains(n) && !n.startsWith(".")).sorted().toList();
      }
    }

    Set<String> markers(Path dataset) throws IOException {
      if (!Files.exists(dataset)) {
        return Set.of();
      }
      try (Stream<Path> files = Files.list(dataset)) {
        return files.filter(p -> !p.getFileName().toString().startsWith("."))
            .map(p -> read(p)).collect(Collectors.toCollection(TreeSet::new));
      }
    }

    private static String read(Path p) {
      try {
        return Files.readString(p);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    private static void writeDataset(Path dir, String marker) throws IOException {
      Files.createDirectories(dir);
      for (String file : List.of("part-00000.parquet", "part-00001.parquet", "_SUCCESS")) {
        Files.writeString(dir.resolve(file), marker);
      }
    }

    private static void crashIf(String step, String crashAt) {
      if (step.equals(crashAt)) {
        throw new Crash(step);
      }
    }
  }
}
