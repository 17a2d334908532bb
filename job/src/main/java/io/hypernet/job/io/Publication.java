package io.hypernet.job.io;

import io.hypernet.job.failure.JobFailure;
import io.hypernet.job.io.PublishJournal.Move;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import io.hypernet.spark.internal.TestHooks;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes a run's datasets (a separate rejects path first, the output last) as one unit.
 * The journal is written next to every target (which also locks them against other runs); then
 * each previous dataset is renamed aside and its staging renamed in (on object stores, where a
 * rename copies, moved file by file under a manifest instead: {@link ObjectStoreMove}); then the
 * asides and the journals are deleted. Every step is repeatable, so a run that finds the journal of a run that
 * is gone completes it before doing anything else: a kill at any point leaves a state the next
 * run into the same output or rejects repairs.
 */
public final class Publication implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Publication.class);

  private final Configuration hadoop;
  private final String runId;
  private final List<OutputPublisher> datasets;
  private final Consumer<String> afterStep;
  private RunLease lease;
  private boolean begun;

  /** {@code datasets} in publish order: the output, the commit point, comes last. */
  public Publication(Configuration hadoop, String runId, List<OutputPublisher> datasets) {
    this(hadoop, runId, datasets, TestHooks::afterPublishStep);
  }

  Publication(Configuration hadoop, String runId, List<OutputPublisher> datasets,
      Consumer<String> afterStep) {
    this.hadoop = hadoop;
    this.runId = runId;
    this.datasets = List.copyOf(datasets);
    this.afterStep = afterStep;
  }

  /**
   * Before the run writes: completes publishes that runs now gone began into these targets,
   * applies {@code --mode error}, takes this run's lease and removes what gone runs left.
   */
  public void prepare() throws IOException {
    for (OutputPublisher d : datasets) {
      repairIfAbandoned(d);
    }
    for (OutputPublisher d : datasets) {
      d.checkTarget();
    }
    lease = RunLease.take(hadoop, datasets.stream().map(d -> d.leasePath(runId)).toList());
    for (OutputPublisher d : datasets) {
      removeAbandoned(d);
    }
  }

  /** Replaces the targets with the staged datasets, all or (after a kill) none until repaired. */
  public void publish() throws IOException {
    PublishJournal journal = new PublishJournal(runId, datasets.stream().map(d ->
        new Move(d.role(), d.targetPath(), d.stagingPath(), d.asidePath())).toList());
    for (OutputPublisher d : datasets) {
      if (ObjectStoreMove.renamesByCopying(d.fs())) {
        ObjectStoreMove.writeManifest(d.fs(), d.stagingPath(), runId); // before any journal
      }
    }
    claimAll(journal);
    for (OutputPublisher d : datasets) {
      if (d.mode() == OutputPublisher.Mode.ERROR && d.fs().exists(d.targetPath())) {
        release(journal);
        throw JobFailure.invalidInput(d.role() + " path " + d.target() + " appeared while "
            + "the job ran; nothing was published (use --mode overwrite to replace it)");
      }
    }
    begun = true;
    complete(journal, false);
  }

  /** Deletes the staging unless its publish began (the next run completes it); ends the lease. */
  @Override
  public void close() {
    if (!begun) {
      for (OutputPublisher d : datasets) {
        try {
          d.fs().delete(d.stagingPath(), true);
        } catch (IOException e) {
          LOG.warn("could not remove {}; the next run removes it: {}", d.staging(),
              e.getMessage());
        }
      }
    }
    if (lease != null) {
      lease.close();
    }
  }

  /** Writes the journal next to every target in order, waiting while a live run holds one. */
  private void claimAll(PublishJournal journal) throws IOException {
    long deadline = System.currentTimeMillis() + RunLease.expiryMillis();
    boolean told = false;
    while (true) {
      OutputPublisher busy = claimEach(journal);
      if (busy == null) {
        return;
      }
      PublishJournal other = PublishJournal.readNextTo(hadoop, busy.targetPath());
      if (other == null || repairIfAbandoned(busy)) {
        continue;
      }
      if (System.currentTimeMillis() > deadline) {
        throw new JobFailure(1, busy.role() + " path " + busy.target() + " is still being "
            + "published by run " + other.runId() + "; nothing was published by this run");
      }
      if (!told) {
        LOG.info("waiting for run {} to finish publishing {}", other.runId(), busy.target());
        told = true;
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while waiting to publish " + busy.target(), e);
      }
    }
  }

  /** Claims each target's journal; on a refusal releases the claimed ones, returns the refuser. */
  private OutputPublisher claimEach(PublishJournal journal) throws IOException {
    List<OutputPublisher> claimed = new ArrayList<>();
    for (OutputPublisher d : datasets) {
      if (!journal.claim(d)) {
        for (OutputPublisher c : claimed) {
          journal.removeNextTo(hadoop, c.targetPath());
        }
        return d;
      }
      claimed.add(d);
      afterStep.accept(d.role() + "-journal");
    }
    return null;
  }

  private void release(PublishJournal journal) throws IOException {
    for (Move m : journal.moves()) {
      journal.removeNextTo(hadoop, m.target());
    }
  }

  /**
   * Completes the publish whose journal lies next to {@code d}'s target when its run is gone.
   * Returns false when there is none, or its run is alive.
   */
  private boolean repairIfAbandoned(OutputPublisher d) throws IOException {
    PublishJournal journal = PublishJournal.readNextTo(hadoop, d.targetPath());
    if (journal == null || RunLease.isAlive(d.fs(), d.leasePath(journal.runId()))) {
      return false;
    }
    if (journal.isNextToEveryTarget(hadoop)) {
      LOG.warn("run {} was stopped while publishing {}; completing its publish",
          journal.runId(), d.target());
      complete(journal, true);
    } else {
      // Journals are all written before the first move and removed after the last.
      LOG.warn("run {} was stopped while claiming or releasing {}; no move is pending, "
          + "removing its publish journal", journal.runId(), d.target());
      release(journal);
    }
    return true;
  }

  /** Makes the journal's moves that are not done yet; each step can be repeated after a kill. */
  private void complete(PublishJournal journal, boolean repairing) throws IOException {
    for (Move m : journal.moves()) {
      FileSystem fs = m.target().getFileSystem(hadoop);
      if (ObjectStoreMove.renamesByCopying(fs)) {
        ObjectStoreMove.complete(fs, m, afterStep, repairing);
      } else if (fs.exists(m.staging())) {
        if (fs.exists(m.target())) {
          if (fs.exists(m.aside())) {
            throw new IOException("both " + m.target() + " and " + m.aside() + " exist while "
                + m.staging() + " waits to be published; resolve by hand");
          }
          rename(fs, m.target(), m.aside(), repairing);
          afterStep.accept(m.role() + "-aside");
        }
        rename(fs, m.staging(), m.target(), repairing);
        afterStep.accept(m.role() + "-in");
      } else if (!fs.exists(m.target()) && fs.exists(m.aside())) {
        // The staging vanished unpublished (removed by hand): the previous dataset goes back.
        rename(fs, m.aside(), m.target(), true);
      }
    }
    for (Move m : journal.moves()) {
      FileSystem fs = m.target().getFileSystem(hadoop);
      if (fs.exists(m.aside())) {
        log(repairing, "deleting the previous {} set aside at {}", m.target(), m.aside());
        fs.delete(m.aside(), true);
      }
      if (ObjectStoreMove.renamesByCopying(fs)) {
        fs.delete(m.staging(), true); // what its moves left: the directories' markers
      }
    }
    afterStep.accept("cleanup");
    for (Move m : journal.moves()) {
      journal.removeNextTo(hadoop, m.target());
      afterStep.accept(m.role() + "-released");
    }
  }

  private static void rename(FileSystem fs, Path from, Path to, boolean repairing)
      throws IOException {
    log(repairing, "renaming {} to {}", from, to);
    if (!fs.rename(from, to)) {
      throw new IOException("could not rename " + from + " to " + to);
    }
  }

  private static void log(boolean repairing, String format, Object... args) {
    if (repairing) {
      LOG.warn("repair: " + format, args);
    } else {
      LOG.info(format, args);
    }
  }

  /**
   * Deletes the staging, aside, lease and journal temp files of runs that are gone and whose
   * publish is not pending; a live run's files (its lease is fresh) are left alone.
   */
  private void removeAbandoned(OutputPublisher d) {
    Path target = d.targetPath();
    try {
      FileStatus[] siblings;
      try {
        siblings = d.fs().listStatus(target.getParent(),
            p -> OutputPublisher.runOf(p, target) != null);
      } catch (FileNotFoundException e) {
        return;
      }
      PublishJournal pending = PublishJournal.readNextTo(hadoop, target);
      Map<String, List<Path>> byRun = new LinkedHashMap<>();
      for (FileStatus s : siblings) {
        byRun.computeIfAbsent(OutputPublisher.runOf(s.getPath(), target), r -> new ArrayList<>())
            .add(s.getPath());
      }
      for (Map.Entry<String, List<Path>> run : byRun.entrySet()) {
        if (run.getKey().equals(runId)
            || pending != null && pending.runId().equals(run.getKey())
            || RunLease.isAlive(d.fs(), d.leasePath(run.getKey()))) {
          continue;
        }
        for (Path p : run.getValue()) {
          LOG.warn("removing {}, left by an earlier run that did not finish", p);
          d.fs().delete(p, true);
        }
      }
    } catch (IOException e) {
      LOG.warn("could not remove abandoned staging directories next to {}: {}", target,
          e.getMessage());
    }
  }
}
