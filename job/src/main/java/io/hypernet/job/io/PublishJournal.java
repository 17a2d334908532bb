package io.hypernet.job.io;

import io.hypernet.job.failure.JobFailure;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The moves one publish makes, in order: per dataset, the previous target aside, the staging in,
 * then the asides deleted. Written next to every target before the first move and removed after
 * the last; it appears whole (written to a temp file, then linked or renamed into place, which
 * fails when another run's journal is there), so it is also the lock on the target.
 */
record PublishJournal(String runId, List<Move> moves) {
  /** One dataset's swap. */
  record Move(String role, Path target, Path staging, Path aside) {}

  private static final String END = "end";

  /** Writes this journal next to {@code dataset}'s target; false when another one is there. */
  boolean claim(OutputPublisher dataset) throws IOException {
    FileSystem fs = dataset.fs();
    Path temp = dataset.journalTempPath();
    try (OutputStream out = fs.create(temp, true)) {
      out.write(format().getBytes(StandardCharsets.UTF_8));
    }
    try {
      return placeUnlessPresent(fs, temp, pathNextTo(dataset.targetPath()));
    } finally {
      fs.delete(temp, false);
    }
  }

  /** The journal next to {@code target}, or null when none is there. */
  static PublishJournal readNextTo(Configuration hadoop, Path target) throws IOException {
    Path path = pathNextTo(target);
    try (InputStream in = path.getFileSystem(hadoop).open(path)) {
      return parse(path, new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (FileNotFoundException e) {
      return null;
    }
  }

  /** True when this journal lies next to all its targets: its run had claimed them all. */
  boolean isNextToEveryTarget(Configuration hadoop) throws IOException {
    for (Move m : moves) {
      if (!isNextTo(hadoop, m.target)) {
        return false;
      }
    }
    return true;
  }

  /** Removes this run's journal next to {@code target}, leaving another run's alone. */
  void removeNextTo(Configuration hadoop, Path target) throws IOException {
    if (isNextTo(hadoop, target)) {
      Path path = pathNextTo(target);
      path.getFileSystem(hadoop).delete(path, false);
    }
  }

  private boolean isNextTo(Configuration hadoop, Path target) throws IOException {
    PublishJournal there = readNextTo(hadoop, target);
    return there != null && there.runId.equals(runId);
  }

  private static Path pathNextTo(Path target) {
    return new Path(target.getParent(), target.getName() + ".publish");
  }

  private String format() {
    StringBuilder text = new StringBuilder("run\t").append(runId).append('\n');
    for (Move m : moves) {
      text.append("move\t").append(m.role).append('\t').append(m.target).append('\t')
          .append(m.staging).append('\t').append(m.aside).append('\n');
    }
    return text.append(END).append('\n').toString();
  }

  private static PublishJournal parse(Path path, String text) {
    String[] lines = text.split("\n");
    List<Move> moves = new ArrayList<>();
    for (int i = 1; i < lines.length - 1; i++) {
      String[] f = lines[i].split("\t");
      if (f.length != 5 || !f[0].equals("move")) {
        throw corrupt(path);
      }
      moves.add(new Move(f[1], new Path(f[2]), new Path(f[3]), new Path(f[4])));
    }
    if (lines.length < 2 || !lines[0].startsWith("run\t") || !lines[lines.length - 1].equals(END)) {
      throw corrupt(path);
    }
    return new PublishJournal(lines[0].substring(4), moves);
  }

  /**
   * Moves {@code temp} to {@code journal} unless a journal is there, atomically: HDFS's rename
   * refuses an existing file; the local filesystem's rename would replace it, so a hard link
   * (which refuses one) is used there. On object stores the check and the copy are two requests:
   * two runs claiming within the same moment can both succeed (docs/storage.md).
   */
  private static boolean placeUnlessPresent(FileSystem fs, Path temp, Path journal)
      throws IOException {
    if (!"file".equals(fs.getUri().getScheme())) {
      try {
        return fs.rename(temp, journal);
      } catch (org.apache.hadoop.fs.FileAlreadyExistsException e) {
        return false; // S3A says so by exception
      }
    }
    try {
      Files.createLink(Paths.get(journal.toUri()), Paths.get(temp.toUri()));
      return true;
    } catch (FileAlreadyExistsException e) {
      return false;
    }
  }

  private static JobFailure corrupt(Path path) {
    return new JobFailure(1, "the publish journal " + path + " cannot be read; it was not "
        + "written by this version of hypernet or was edited. Compare it with the paths it "
        + "names, then delete it");
  }
}
