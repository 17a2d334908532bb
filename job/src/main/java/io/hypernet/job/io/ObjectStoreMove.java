package io.hypernet.job.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hypernet.job.io.PublishJournal.Move;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A dataset's publish on an object store, where renaming a directory copies every object and a
 * kill midway leaves both halves. Instead, file by file, and repeatable after a kill at any
 * point: the staging's {@code _SUCCESS} becomes a manifest of the run's files before the journal
 * is claimed; the target's {@code _SUCCESS} is deleted (the target is "being published"), the
 * target's files not in the manifest are deleted, each staged file is moved in (one server-side
 * copy), and the manifest is moved in last as the target's {@code _SUCCESS}. A target with a
 * {@code _SUCCESS} therefore holds exactly one whole run's files.
 */
final class ObjectStoreMove {
  private static final Logger LOG = LoggerFactory.getLogger(ObjectStoreMove.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  static final String MARKER = "_SUCCESS";
  /** Schemes whose directory rename copies object by object (docs/storage.md). */
  private static final Set<String> COPYING_SCHEMES = Set.of("s3a", "s3", "s3n", "gs", "wasb",
      "wasbs", "oss", "cosn", "obs");
  /** Server-side copies in flight at once: each is a round trip, the bytes stay in the store. */
  private static final int PARALLEL_COPIES = 16;

  private ObjectStoreMove() {}

  /** True when {@code fs} renames a directory by copying its objects (no atomic rename). */
  static boolean renamesByCopying(FileSystem fs) {
    return COPYING_SCHEMES.contains(fs.getUri().getScheme().toLowerCase(Locale.ROOT));
  }

  /** Replaces the staging's {@code _SUCCESS} by the manifest of its files, for this run. */
  static void writeManifest(FileSystem fs, Path staging, String runId) throws IOException {
    ObjectNode manifest = JSON.createObjectNode();
    manifest.put("run_id", runId);
    ArrayNode files = manifest.putArray("files");
    long bytes = 0;
    for (FileStatus f : files(fs, staging)) {
      String relative = relative(staging, f.getPath());
      if (!relative.equals(MARKER)) {
        files.addObject().put("path", relative).put("bytes", f.getLen());
        bytes += f.getLen();
      }
    }
    manifest.put("total_bytes", bytes);
    try (OutputStream out = fs.create(new Path(staging, MARKER), true)) {
      JSON.writerWithDefaultPrettyPrinter().writeValue(out, manifest);
    }
  }

  /** Makes the move's steps that are not done yet; each can be repeated after a kill. */
  static void complete(FileSystem fs, Move m, Consumer<String> afterStep, boolean repairing)
      throws IOException {
    Path staged = new Path(m.staging(), MARKER);
    Path marker = new Path(m.target(), MARKER);
    Set<String> manifest = readManifest(fs, staged);
    if (manifest == null) {
      return; // moved in whole already; the staging's empty directories go in the cleanup
    }
    long start = System.nanoTime();
    fs.delete(marker, false);
    afterStep.accept(m.role() + "-unmarked");
    int removed = 0;
    for (FileStatus f : files(fs, m.target())) { // none when there is no target yet
      if (!manifest.contains(relative(m.target(), f.getPath()))) {
        fs.delete(f.getPath(), false);
        removed++;
      }
    }
    afterStep.accept(m.role() + "-old-removed");
    List<FileStatus> toMove = new ArrayList<>();
    long bytes = 0;
    for (FileStatus f : files(fs, m.staging())) {
      if (!f.getPath().equals(staged)) {
        toMove.add(f);
        bytes += f.getLen();
      }
    }
    moveAll(fs, m, toMove, afterStep);
    afterStep.accept(m.role() + "-in");
    move(fs, staged, marker);
    afterStep.accept(m.role() + "-marked");
    String message = "{}: {} files ({} bytes) moved into {} in {} ms, {} previous files removed";
    Object[] args = {repairing ? "repair" : "published", toMove.size(), bytes, m.target(),
        (System.nanoTime() - start) / 1_000_000, removed};
    if (repairing) {
      LOG.warn(message, args);
    } else {
      LOG.info(message, args);
    }
  }

  /** The relative paths the manifest at {@code path} lists (itself included); null if absent. */
  static Set<String> readManifest(FileSystem fs, Path path) throws IOException {
    JsonNode manifest;
    try (InputStream in = fs.open(path)) {
      manifest = JSON.readTree(in);
    } catch (FileNotFoundException e) {
      return null;
    }
    Set<String> files = new HashSet<>();
    files.add(MARKER);
    for (JsonNode f : manifest.path("files")) {
      files.add(f.path("path").asText());
    }
    return files;
  }

  private static void moveAll(FileSystem fs, Move m, List<FileStatus> files,
      Consumer<String> afterStep) throws IOException {
    ExecutorService pool = Executors.newFixedThreadPool(Math.min(PARALLEL_COPIES,
        Math.max(1, files.size())), r -> {
          Thread t = new Thread(r, "hypernet-publish-copy");
          t.setDaemon(true);
          return t;
        });
    try {
      List<Future<Void>> moves = new ArrayList<>();
      for (FileStatus f : files) {
        Path to = new Path(m.target(), relative(m.staging(), f.getPath()));
        moves.add(pool.submit(() -> {
          move(fs, f.getPath(), to);
          return null;
        }));
      }
      for (Future<Void> move : moves) {
        move.get();
        afterStep.accept(m.role() + "-file");
      }
    } catch (ExecutionException e) {
      throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while publishing " + m.target(), e);
    } finally {
      pool.shutdownNow();
    }
  }

  /** One object to its place, replacing what is there (an old file of the same name). */
  private static void move(FileSystem fs, Path from, Path to) throws IOException {
    fs.delete(to, false);
    if (!fs.rename(from, to)) {
      throw new IOException("could not move " + from + " to " + to);
    }
  }

  private static List<FileStatus> files(FileSystem fs, Path dir) throws IOException {
    List<FileStatus> files = new ArrayList<>();
    try {
      RemoteIterator<LocatedFileStatus> it = fs.listFiles(dir, true);
      while (it.hasNext()) {
        files.add(it.next());
      }
    } catch (FileNotFoundException e) {
      return List.of();
    }
    return files;
  }

  private static String relative(Path dir, Path file) {
    String base = dir.toUri().getPath();
    String path = file.toUri().getPath();
    return path.substring(base.length() + (base.endsWith("/") ? 0 : 1));
  }
}
