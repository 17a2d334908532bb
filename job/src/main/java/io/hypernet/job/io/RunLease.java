package io.hypernet.job.io;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import io.hypernet.spark.internal.TestHooks;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Says that a run is alive: a small file next to each of its targets, rewritten every
 * {@link #refreshMillis()} by a daemon thread and deleted when the run ends. Another run treats
 * the owner as gone when the file is missing, older than {@link #expiryMillis()}, or names a
 * process on this host that no longer exists (a killed local driver is seen at once).
 */
public final class RunLease implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RunLease.class);
  private static final String HOST = hostName();

  private final Configuration hadoop;
  private final List<Path> files;
  private final ScheduledExecutorService refresher;

  private RunLease(Configuration hadoop, List<Path> files) {
    this.hadoop = hadoop;
    this.files = List.copyOf(files);
    this.refresher = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "hypernet-lease");
      t.setDaemon(true);
      return t;
    });
  }

  /** Writes the lease files and keeps them fresh until {@link #close()}. */
  public static RunLease take(Configuration hadoop, List<Path> files) throws IOException {
    RunLease lease = new RunLease(hadoop, files);
    lease.refresh();
    long every = refreshMillis();
    lease.refresher.scheduleWithFixedDelay(lease::refreshQuietly, every, every,
        TimeUnit.MILLISECONDS);
    return lease;
  }

  /** True while the run holding {@code lease} may still be working. */
  public static boolean isAlive(FileSystem fs, Path lease) throws IOException {
    FileStatus status;
    String owner;
    try {
      status = fs.getFileStatus(lease);
      try (InputStream in = fs.open(lease)) {
        owner = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
      }
    } catch (FileNotFoundException e) {
      return false;
    }
    if (System.currentTimeMillis() - status.getModificationTime() > expiryMillis()) {
      return false;
    }
    String[] parts = owner.split(" ");
    if (parts.length != 3 || !parts[0].equals(HOST) || !parts[1].matches("\\d{1,18}")) {
      return true; // another host (or a lease caught mid-write): only its age can tell
    }
    Optional<ProcessHandle> process = ProcessHandle.of(Long.parseLong(parts[1]));
    return process.isPresent() && startMillis(process.get()).equals(parts[2]);
  }

  @Override
  public void close() {
    refresher.shutdownNow();
    for (Path file : files) {
      try {
        file.getFileSystem(hadoop).delete(file, false);
      } catch (IOException e) {
        LOG.warn("could not delete the lease {}; it expires by itself: {}", file, e.getMessage());
      }
    }
  }

  private void refresh() throws IOException {
    ProcessHandle self = ProcessHandle.current();
    byte[] owner = (HOST + " " + self.pid() + " " + startMillis(self) + "\n")
        .getBytes(StandardCharsets.UTF_8);
    for (Path file : files) {
      try (OutputStream out = file.getFileSystem(hadoop).create(file, true)) {
        out.write(owner);
      }
    }
  }

  private void refreshQuietly() {
    try {
      refresh();
    } catch (IOException | RuntimeException e) {
      LOG.warn("could not refresh the run's lease: {}", e.getMessage());
    }
  }

  /** The start time identifies the process across pid reuse. */
  private static String startMillis(ProcessHandle process) {
    return process.info().startInstant().map(Instant::toEpochMilli).map(String::valueOf)
        .orElse("-");
  }

  /** Milliseconds between refreshes: 30 s (tests may shorten it, {@link TestHooks}). */
  static long refreshMillis() {
    return TestHooks.leaseRefreshMillis(30_000L);
  }

  /** Age after which a lease is abandoned: max(10 min, 5 refreshes). */
  static long expiryMillis() {
    return TestHooks.leaseExpiryMillis(Math.max(600_000L, 5 * refreshMillis()));
  }

  private static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "unknown-host-" + ProcessHandle.current().pid();
    }
  }
}
