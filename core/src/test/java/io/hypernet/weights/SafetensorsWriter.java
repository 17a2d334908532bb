package io.hypernet.weights;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Writes safetensors files the way {@code safetensors.torch.save_file} lays them out (format
 * metadata, tensors back to back, header padded with spaces to 8 bytes), and malformed ones.
 */
public final class SafetensorsWriter {
  private record Entry(String name, String dtype, long[] shape, byte[] data) {}

  private final List<Entry> entries = new ArrayList<>();

  public SafetensorsWriter f32(String name, float[] values, long... shape) {
    ByteBuffer buffer = little(values.length * Float.BYTES);
    buffer.asFloatBuffer().put(values);
    return tensor(name, "F32", buffer.array(), shape);
  }

  SafetensorsWriter f64(String name, double[] values, long... shape) {
    ByteBuffer buffer = little(values.length * Double.BYTES);
    buffer.asDoubleBuffer().put(values);
    return tensor(name, "F64", buffer.array(), shape);
  }

  /** A tensor of any dtype from its little-endian bytes. */
  SafetensorsWriter tensor(String name, String dtype, byte[] data, long... shape) {
    entries.add(new Entry(name, dtype, shape, data));
    return this;
  }

  public byte[] bytes() {
    StringBuilder header = new StringBuilder("{\"__metadata__\":{\"format\":\"pt\"}");
    ByteArrayOutputStream data = new ByteArrayOutputStream();
    for (Entry e : entries) {
      header.append(",\"").append(e.name()).append("\":{\"dtype\":\"").append(e.dtype())
          .append("\",\"shape\":").append(Arrays.toString(e.shape()).replace(" ", ""))
          .append(",\"data_offsets\":[").append(data.size()).append(',')
          .append(data.size() + e.data().length).append("]}");
      data.writeBytes(e.data());
    }
    header.append('}');
    while (header.length() % 8 != 0) {
      header.append(' ');
    }
    return file(header.toString(), data.toByteArray());
  }

  /** A file with the given header text, its length prefix true to it, and data. */
  static byte[] file(String header, byte[] data) {
    byte[] json = header.getBytes(StandardCharsets.UTF_8);
    return little(Long.BYTES + json.length + data.length)
        .putLong(json.length).put(json).put(data).array();
  }

  /** 16-bit values (F16, BF16 bit patterns), little-endian. */
  static byte[] le16(int... values) {
    ByteBuffer buffer = little(values.length * Short.BYTES);
    for (int v : values) {
      buffer.putShort((short) v);
    }
    return buffer.array();
  }

  static byte[] le32(int... values) {
    ByteBuffer buffer = little(values.length * Integer.BYTES);
    buffer.asIntBuffer().put(values);
    return buffer.array();
  }

  static String shape(long... dims) {
    return Arrays.stream(dims).mapToObj(Long::toString).collect(Collectors.joining(", ", "[", "]"));
  }

  private static ByteBuffer little(int size) {
    return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
  }
}
