package io.hypernet.parquet;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import org.apache.parquet.io.PositionOutputStream;

/**
 * A local file written through a direct buffer: each byte is copied once, into the buffer,
 * which the kernel then takes in one system call per {@code bufferBytes}. ({@code
 * FileOutputStream} copies a heap array into a malloc'ed one on every large write, and Hadoop's
 * buffered stream before it copies once more.)
 */
final class ChannelOutputStream extends PositionOutputStream {
  private final FileChannel channel;
  private final ByteBuffer buffer;
  private long position;

  ChannelOutputStream(Path file, int bufferBytes, OpenOption... options) throws IOException {
    this.channel = FileChannel.open(file, options);
    this.buffer = ByteBuffer.allocateDirect(bufferBytes);
  }

  @Override
  public long getPos() {
    return position;
  }

  @Override
  public void write(int b) throws IOException {
    if (!buffer.hasRemaining()) {
      drain();
    }
    buffer.put((byte) b);
    position++;
  }

  @Override
  public void write(byte[] bytes, int offset, int length) throws IOException {
    while (length > 0) {
      if (!buffer.hasRemaining()) {
        drain();
      }
      int n = Math.min(length, buffer.remaining());
      buffer.put(bytes, offset, n);
      offset += n;
      length -= n;
      position += n;
    }
  }

  private void drain() throws IOException {
    buffer.flip();
    while (buffer.hasRemaining()) {
      channel.write(buffer);
    }
    buffer.clear();
  }

  @Override
  public void flush() throws IOException {
    drain();
  }

  @Override
  public void close() throws IOException {
    if (!channel.isOpen()) {
      return;
    }
    try {
      drain();
    } finally {
      channel.close();
    }
  }
}
