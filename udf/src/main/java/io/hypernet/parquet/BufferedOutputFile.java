package io.hypernet.parquet;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.ChecksumFileSystem;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.parquet.hadoop.util.HadoopStreams;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.PositionOutputStream;

/**
 * A Hadoop file opened with a large write buffer. parquet-java's {@code HadoopOutputFile} asks
 * for 4 KiB, which on the local filesystem means one write system call per 4 KiB: at 16 KB of W
 * per row that was a large part of the job's system time. Local files are written through a
 * {@link ChannelOutputStream} (one copy into a direct buffer, 1 MiB writes that bypass the page
 * cache where the filesystem allows, written while the next buffer fills) instead of
 * Hadoop's stream stack, which copies every byte twice more on its way to the kernel.
 */
final class BufferedOutputFile implements OutputFile {
  static final int BUFFER_BYTES = 1 << 20;

  private final FileSystem fs;
  private final Path path;

  BufferedOutputFile(Path path, Configuration hadoop) throws IOException {
    FileSystem fs = path.getFileSystem(hadoop);
    // Hadoop's local filesystem adds a .crc side file, checksummed 512 bytes at a time with a
    // thread-local statistics lookup each (6 % of task time in a profile). Only Hadoop reads
    // it, so local files are written through the raw filesystem, without one.
    this.fs = fs instanceof ChecksumFileSystem checksummed ? checksummed.getRawFileSystem() : fs;
    this.path = path;
  }

  @Override
  public PositionOutputStream create(long blockSizeHint) throws IOException {
    return open(false, blockSizeHint);
  }

  @Override
  public PositionOutputStream createOrOverwrite(long blockSizeHint) throws IOException {
    return open(true, blockSizeHint);
  }

  private PositionOutputStream open(boolean overwrite, long blockSizeHint) throws IOException {
    if (fs instanceof RawLocalFileSystem local) {
      java.nio.file.Path file = local.pathToFile(path).toPath();
      Files.createDirectories(file.getParent());
      return new ChannelOutputStream(file, BUFFER_BYTES, StandardOpenOption.WRITE,
          overwrite ? StandardOpenOption.CREATE : StandardOpenOption.CREATE_NEW,
          StandardOpenOption.TRUNCATE_EXISTING);
    }
    return HadoopStreams.wrap(fs.create(path, overwrite, BUFFER_BYTES,
        fs.getDefaultReplication(path), Math.max(fs.getDefaultBlockSize(path), blockSizeHint)));
  }

  @Override
  public boolean supportsBlockSize() {
    return true;
  }

  @Override
  public long defaultBlockSize() {
    return fs.getDefaultBlockSize(path);
  }

  @Override
  public String getPath() {
    return path.toString();
  }
}
