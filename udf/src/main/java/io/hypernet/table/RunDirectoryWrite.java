package io.hypernet.table;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/**
 * A table write whose files go to one directory of the run, {@code hypernet-<run id>}: closing
 * it before its commit removes them.
 */
abstract class RunDirectoryWrite implements TableWrite {
  private final String name;
  /** This run's data directory. */
  protected final Path directory;
  protected final Configuration hadoop;
  /** Set once the files may be in the table: they are kept. */
  protected boolean committed;

  RunDirectoryWrite(String name, Path parent, String runId, Configuration hadoop) {
    this.name = name;
    this.directory = new Path(parent, RunFiles.RUN_PREFIX + runId);
    this.hadoop = hadoop;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public String dataDirectory() {
    return directory.toString();
  }

  @Override
  public void close() {
    try {
      if (!committed) {
        RunFiles.removeUncommitted(directory, hadoop);
      }
    } finally {
      release();
    }
  }

  /** Releases what the write holds besides its files (a catalog's clients); none by default. */
  protected void release() {}
}
