package io.hypernet.parquet;

import com.sun.nio.file.ExtendedOpenOption;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.apache.parquet.io.PositionOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A local file written from two direct buffers: the task fills one while a background thread
 * writes the other, so the disk's time overlaps the compute. Each byte is copied once, into a
 * buffer. Where the filesystem takes it, the file is opened with {@code O_DIRECT}: the kernel then
 * moves the buffer to the disk without first copying it into the page cache, a copy that was
 * most of the job's system time and grew with the page cache's size (BENCHMARKS.md, "Against
 * the script"). Where it does not (tmpfs before Linux 6.6), the same buffers go through the page
 * cache.
 */
final class ChannelOutputStream extends PositionOutputStream {
  private static final Logger LOG = LoggerFactory.getLogger(ChannelOutputStream.class);
  /**
   * O_DIRECT's unit: buffer addresses, file offsets and lengths are multiples of it. The page
   * size, which is a multiple of every disk's logical block size.
   */
  private static final int ALIGNMENT = 4096;
  /** Threads that write full buffers; idle ones end, so an abandoned stream leaks nothing. */
  private static final ExecutorService WRITERS = new ThreadPoolExecutor(0, Integer.MAX_VALUE,
      30, TimeUnit.SECONDS, new SynchronousQueue<>(), runnable -> {
        Thread thread = new Thread(runnable, "hypernet-file-writer");
        thread.setDaemon(true);
        return thread;
      });

  private final FileChannel channel;
  private final boolean direct;
  private final int bufferBytes;
  private ByteBuffer filling;
  private ByteBuffer spare;
  private Future<?> inFlight;
  private long position;

  ChannelOutputStream(Path file, int bufferBytes, OpenOption... options) throws IOException {
    // Created (or refused) exactly as asked first; then reopened with O_DIRECT, which a
    // filesystem may refuse only after an O_CREAT open had already made the file.
    FileChannel created = FileChannel.open(file, options);
    FileChannel bypassing = null;
    if (bufferBytes % ALIGNMENT == 0) {
      try {
        bypassing = FileChannel.open(file, StandardOpenOption.WRITE, ExtendedOpenOption.DIRECT);
      } catch (IOException | UnsupportedOperationException e) {
        LOG.debug("{} is written through the page cache: {}", file, e.toString());
      }
    }
    if (bypassing != null) {
      created.close();
    }
    this.direct = bypassing != null;
    this.channel = direct ? bypassing : created;
    this.bufferBytes = bufferBytes;
    this.filling = allocate(bufferBytes);
    this.spare = allocate(bufferBytes);
  }

  private ByteBuffer allocate(int bytes) {
    int blocks = (bytes + ALIGNMENT - 1) / ALIGNMENT;
    return ByteBuffer.allocateDirect((blocks + 1) * ALIGNMENT).alignedSlice(ALIGNMENT)
        .limit(bytes);
  }

  /** Whether the file bypasses the page cache (O_DIRECT). */
  boolean direct() {
    return direct;
  }

  @Override
  public long getPos() {
    return position;
  }

  @Override
  public void write(int b) throws IOException {
    if (!filling.hasRemaining()) {
      handOff();
    }
    filling.put((byte) b);
    position++;
  }

  @Override
  public void write(byte[] bytes, int offset, int length) throws IOException {
    while (length > 0) {
      if (!filling.hasRemaining()) {
        handOff();
      }
      int n = Math.min(length, filling.remaining());
      filling.put(bytes, offset, n);
      offset += n;
      length -= n;
      position += n;
    }
  }

  /** Gives the full buffer to a writer thread and goes on filling the other one. */
  private void handOff() throws IOException {
    awaitInFlight();
    ByteBuffer full = filling;
    filling = spare;
    spare = full;
    full.flip();
    inFlight = WRITERS.submit(() -> {
      writeFully(full);
      return null;
    });
  }

  private void writeFully(ByteBuffer buffer) throws IOException {
    while (buffer.hasRemaining()) {
      channel.write(buffer);
    }
    buffer.clear().limit(bufferBytes);
  }

  private void awaitInFlight() throws IOException {
    if (inFlight == null) {
      return;
    }
    try {
      inFlight.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted writing a Parquet file");
    } catch (ExecutionException e) {
      throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
    } finally {
      inFlight = null;
    }
  }

  /**
   * Waits for the buffer being written. Under O_DIRECT the bytes since the last full buffer
   * reach the file only at {@link #close} (the disk takes whole blocks): nothing reads a Parquet
   * file before its footer is written anyway.
   */
  @Override
  public void flush() throws IOException {
    awaitInFlight();
    if (!direct) {
      filling.flip();
      writeFully(filling);
    }
  }

  @Override
  public void close() throws IOException {
    if (!channel.isOpen()) {
      return;
    }
    try {
      awaitInFlight();
      if (direct) {
        // The last block is written whole, then the file cut back to its real length.
        int used = filling.position();
        int padded = (used + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT;
        filling.limit(padded).position(used);
        while (filling.hasRemaining()) {
          filling.put((byte) 0);
        }
      }
      filling.flip();
      writeFully(filling);
      if (direct) {
        channel.truncate(position);
      }
    } finally {
      channel.close();
    }
  }
}
