package io.hypernet.table;

import io.hypernet.parquet.FieldIds;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * One run's write into a table: the bulk writer puts its files under {@link #dataDirectory()}
 * with the table's {@link #fieldIds()}, one configuration per file, then {@link #commit} adds
 * them in one snapshot. Closing it before a commit deletes the files, so a failed run leaves
 * the table as it was and no orphan files.
 */
public interface TableWrite extends AutoCloseable {
  /** The table as its catalog names it, e.g. {@code hypernet.db.W}. */
  String name();

  /** Where this run's data files go: inside the table's location, named by the run. */
  String dataDirectory();

  /** The ids the table's columns carry in its files; null where columns map by name (Delta). */
  FieldIds fieldIds();

  /**
   * Adds every Parquet file under {@link #dataDirectory()} in one commit, as the mode says, with
   * {@code summary} in the snapshot's summary.
   *
   * @throws TableConflictException when another writer's commit conflicts with this one
   */
  TableCommit commit(Map<String, String> summary) throws IOException;

  /**
   * Deletes the data directories that earlier runs into this table left uncommitted (a killed
   * driver): those whose run {@code runGone} says has ended, and that no snapshot of the table
   * refers to. Returns the directories removed.
   *
   * @param runGone given a run's data directory; true when that run is known to have ended
   */
  List<String> removeAbandoned(Predicate<String> runGone) throws IOException;

  /** Deletes this run's files unless they were committed. */
  @Override
  void close();
}
