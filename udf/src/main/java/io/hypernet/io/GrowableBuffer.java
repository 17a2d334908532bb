package io.hypernet.io;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.apache.parquet.bytes.BytesInput;

/** A reusable little-endian byte buffer for building Parquet pages without per-value objects. */
final class GrowableBuffer {
  private byte[] bytes;
  private ByteBuffer view;
  private int size;

  GrowableBuffer(int initialCapacity) {
    bytes = new byte[initialCapacity];
    view = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
  }

  int size() {
    return size;
  }

  void reset() {
    size = 0;
  }

  /** The content, valid until the next write or reset. */
  BytesInput bytes() {
    return BytesInput.from(bytes, 0, size);
  }

  private void ensure(int more) {
    if (size + more > bytes.length) {
      bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + more));
      view = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    }
  }

  void putInt(int value) {
    ensure(Integer.BYTES);
    view.putInt(size, value);
    size += Integer.BYTES;
  }

  void putLong(long value) {
    ensure(Long.BYTES);
    view.putLong(size, value);
    size += Long.BYTES;
  }

  void put(byte[] source, int offset, int length) {
    ensure(length);
    System.arraycopy(source, offset, bytes, size, length);
    size += length;
  }

  /** Bulk copy as little-endian floats (a plain memory copy on little-endian machines). */
  void putFloats(float[] values, int offset, int count) {
    ensure(count * Float.BYTES);
    view.position(size);
    view.asFloatBuffer().put(values, offset, count);
    size += count * Float.BYTES;
  }

  /**
   * One run of the RLE/bit-packing hybrid encoding at bit width 1: the header is the ULEB128
   * varint of {@code count << 1}, then the value in one byte.
   */
  void putRleRun(int count, int value) {
    ensure(6);
    long header = (long) count << 1;
    while ((header & ~0x7FL) != 0) {
      bytes[size++] = (byte) ((header & 0x7F) | 0x80);
      header >>>= 7;
    }
    bytes[size++] = (byte) header;
    bytes[size++] = (byte) value;
  }
}
