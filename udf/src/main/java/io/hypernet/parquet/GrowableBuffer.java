package io.hypernet.parquet;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.apache.parquet.bytes.BytesInput;

/** A reusable little-endian byte buffer for building Parquet pages without per-value objects. */
final class GrowableBuffer {
  /** The largest byte array the JVM reliably allocates. */
  static final int MAX_CAPACITY = Integer.MAX_VALUE - 8;

  private final int maxCapacity;
  private byte[] bytes;
  private ByteBuffer view;
  private int size;

  GrowableBuffer(int initialCapacity) {
    this(initialCapacity, MAX_CAPACITY);
  }

  /** @param maxCapacity the size past which a write fails instead of growing the buffer */
  GrowableBuffer(int initialCapacity, int maxCapacity) {
    this.maxCapacity = maxCapacity;
    bytes = new byte[Math.min(initialCapacity, maxCapacity)];
    view = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
  }

  int size() {
    return size;
  }

  /** Whether {@code more} bytes can still be written without passing the maximum capacity. */
  boolean fits(long more) {
    return size + more <= maxCapacity;
  }

  void reset() {
    size = 0;
  }

  /** The content, valid until the next write or reset. */
  BytesInput bytes() {
    return BytesInput.from(bytes, 0, size);
  }

  /** Writes the content to {@code out}. */
  void writeTo(java.io.OutputStream out) throws java.io.IOException {
    out.write(bytes, 0, size);
  }

  /** Copies the content into {@code target} at {@code at}. */
  void copyTo(byte[] target, int at) {
    System.arraycopy(bytes, 0, target, at, size);
  }

  /** The content in {@code [from, to)}, valid until the next write or reset. */
  BytesInput bytes(int from, int to) {
    return BytesInput.from(bytes, from, to - from);
  }

  // Sizes in long: near 2 GiB an int sum or doubling would wrap around instead of failing.
  private void ensure(long more) {
    long needed = size + more;
    if (needed <= bytes.length) {
      return;
    }
    if (needed > maxCapacity) {
      throw new IllegalStateException("a Parquet page or column chunk buffer would need "
          + needed + " bytes, more than its limit of " + maxCapacity + " bytes");
    }
    int capacity = (int) Math.min(maxCapacity, Math.max(2L * bytes.length, needed));
    bytes = Arrays.copyOf(bytes, capacity);
    view = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
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

  /** Appends the content of {@code other}. */
  void put(GrowableBuffer other) {
    put(other.bytes, 0, other.size);
  }

  /**
   * Appends {@code values[offset, offset + count)} as little-endian floats (a bulk copy) and
   * returns their min and max, packed by {@link FloatRange#pack}.
   */
  long putFloatsMinMax(float[] values, int offset, int count) {
    ensure((long) count * Float.BYTES);
    long range = FloatRange.copyMinMax(values, offset, offset + count, bytes, size);
    size += count * Float.BYTES;
    return range;
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
