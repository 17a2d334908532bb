package io.hypernet.weights;

import io.hypernet.config.SizeLimits;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.ShortBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A parsed safetensors file, the format of {@code safetensors.torch.save_file}: an 8-byte
 * little-endian header length N, N bytes of UTF-8 JSON giving each tensor's dtype, shape and byte
 * range, then the little-endian data. Plain data, never pickle. Checked as strictly as the
 * reference implementation — the tensors must tile the data buffer exactly — so a truncated or
 * corrupt file fails here, naming the file and the tensor, instead of yielding wrong weights.
 */
public final class SafetensorsFile {
  /** The reference implementation's limit: a longer header means a corrupt file. */
  static final long MAX_HEADER_BYTES = 100L << 20;

  private static final String METADATA = "__metadata__";

  /** One tensor as the header describes it. */
  public record Tensor(String name, String dtype, List<Long> shape) {}

  private enum Dtype {
    BOOL(1), U8(1), I8(1), F8_E5M2(1), F8_E4M3(1), I16(2), U16(2), F16(2), BF16(2), I32(4),
    U32(4), F32(4), I64(8), U64(8), F64(8);

    final int bytes;

    Dtype(int bytes) {
      this.bytes = bytes;
    }

    static Dtype of(String name) {
      for (Dtype d : values()) {
        if (d.name().equals(name)) {
          return d;
        }
      }
      return null;
    }
  }

  /** A tensor and its byte range [begin, end) in the data buffer. */
  private record Slot(Tensor tensor, Dtype dtype, long begin, long end) {}

  private final String source;
  private final byte[] bytes;
  private final int dataStart;
  private final Map<String, Slot> slots;

  private SafetensorsFile(String source, byte[] bytes, int dataStart, Map<String, Slot> slots) {
    this.source = source;
    this.bytes = bytes;
    this.dataStart = dataStart;
    this.slots = slots;
  }

  /**
   * Reads a file of known length (as a file system reports it) from a stream, checking the
   * header length against it before allocating anything. Does not close the stream.
   *
   * @throws InvalidWeightsException if the content is not a valid safetensors file or the stream
   *     ends before {@code length} bytes
   */
  public static SafetensorsFile read(InputStream in, long length, String source)
      throws IOException {
    byte[] prefix =
        length < Long.BYTES ? new byte[0] : readFully(in, Long.BYTES, 0, length, source);
    int headerLength = headerLength(prefix, length, source);
    byte[] header = readFully(in, headerLength, Long.BYTES, length, source);
    long dataLength = length - Long.BYTES - headerLength;
    if (dataLength > SizeLimits.MAX_ARRAY_LENGTH) {
      throw new InvalidWeightsException(source, null, "data buffer of " + dataLength
          + " bytes is larger than the " + SizeLimits.MAX_ARRAY_LENGTH + " bytes one hypernet's"
          + " weights may take");
    }
    byte[] data = readFully(in, (int) dataLength, Long.BYTES + headerLength, length, source);
    return new SafetensorsFile(source, data, 0,
        slots(header(header, 0, headerLength, source), data.length, source));
  }

  /** The file as the user named it. */
  public String source() {
    return source;
  }

  /** The tensor names, sorted; {@code __metadata__} is not a tensor. */
  public Set<String> names() {
    return Collections.unmodifiableSet(slots.keySet());
  }

  /** @throws InvalidWeightsException if the file holds no tensor of that name */
  public Tensor tensor(String name) {
    return slot(name).tensor();
  }

  /**
   * The tensor's elements, row-major, as floats: F32 exactly, F16 and BF16 exactly (every value
   * is a float), F64 rounded to nearest.
   *
   * @throws InvalidWeightsException for any other dtype
   */
  public float[] floats(String name) {
    Slot slot = slot(name);
    ByteBuffer buffer = ByteBuffer.wrap(bytes, dataStart + (int) slot.begin(),
        (int) (slot.end() - slot.begin())).order(ByteOrder.LITTLE_ENDIAN);
    float[] out = new float[(int) ((slot.end() - slot.begin()) / slot.dtype().bytes)];
    switch (slot.dtype()) {
      case F32 -> buffer.asFloatBuffer().get(out);
      case F64 -> {
        DoubleBuffer doubles = buffer.asDoubleBuffer();
        for (int i = 0; i < out.length; i++) {
          out[i] = (float) doubles.get(i);
        }
      }
      case F16 -> {
        ShortBuffer halves = buffer.asShortBuffer();
        for (int i = 0; i < out.length; i++) {
          out[i] = halfToFloat(halves.get(i));
        }
      }
      case BF16 -> {
        ShortBuffer halves = buffer.asShortBuffer();
        for (int i = 0; i < out.length; i++) {
          out[i] = Float.intBitsToFloat(halves.get(i) << 16);
        }
      }
      default -> throw new InvalidWeightsException(source, name, "dtype " + slot.dtype()
          + " is not supported; expected F32 (or F64, F16, BF16, which are converted)");
    }
    return out;
  }

  /** IEEE 754 binary16 to float; exact, since every half is a float (Java 17 has no built-in). */
  private static float halfToFloat(short half) {
    int sign = (half & 0x8000) << 16;
    int exponent = (half >>> 10) & 0x1f;
    int mantissa = half & 0x3ff;
    if (exponent == 0x1f) {
      return Float.intBitsToFloat(sign | 0x7f800000 | (mantissa << 13));
    }
    if (exponent == 0) {
      float subnormal = mantissa * 0x1p-24f;
      return sign == 0 ? subnormal : -subnormal;
    }
    return Float.intBitsToFloat(sign | ((exponent + 127 - 15) << 23) | (mantissa << 13));
  }

  private Slot slot(String name) {
    Slot slot = slots.get(name);
    if (slot == null) {
      throw new InvalidWeightsException(source, name,
          "no such tensor; the file holds " + String.join(", ", slots.keySet()));
    }
    return slot;
  }

  private static int headerLength(byte[] prefix, long fileLength, String source) {
    if (fileLength < Long.BYTES) {
      throw new InvalidWeightsException(source, null, "only " + fileLength
          + " bytes, too short for the 8-byte header length a safetensors file starts with");
    }
    long n = ByteBuffer.wrap(prefix, 0, Long.BYTES).order(ByteOrder.LITTLE_ENDIAN).getLong();
    if (n < 0 || n > MAX_HEADER_BYTES) {
      throw new InvalidWeightsException(source, null, "header length " + Long.toUnsignedString(n)
          + " exceeds the format's limit of " + MAX_HEADER_BYTES
          + " bytes; not a safetensors file?");
    }
    if (n > fileLength - Long.BYTES) {
      throw new InvalidWeightsException(source, null, "header length " + n
          + " runs past the end of the file (" + fileLength + " bytes); truncated?");
    }
    return (int) n;
  }

  private static byte[] readFully(InputStream in, int n, long offset, long fileLength,
      String source) throws IOException {
    byte[] buffer = new byte[n];
    int read = in.readNBytes(buffer, 0, n);
    if (read < n) {
      throw new InvalidWeightsException(source, null, "the stream ended after " + (offset + read)
          + " bytes, but the file is " + fileLength + " bytes long; truncated?");
    }
    return buffer;
  }

  private static Map<?, ?> header(byte[] bytes, int offset, int length, String source) {
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes, offset, length)).toString();
    } catch (CharacterCodingException e) {
      throw new InvalidWeightsException(source, null, "header is not valid UTF-8");
    }
    Object json;
    try {
      json = HeaderJson.parse(text);
    } catch (IllegalArgumentException e) {
      throw new InvalidWeightsException(source, null,
          "header is not valid JSON: " + e.getMessage());
    }
    if (!(json instanceof Map<?, ?> map)) {
      throw new InvalidWeightsException(source, null, "header is not a JSON object");
    }
    return map;
  }

  private static Map<String, Slot> slots(Map<?, ?> header, long dataLength, String source) {
    Map<String, Slot> slots = new TreeMap<>();
    for (Map.Entry<?, ?> entry : header.entrySet()) {
      String name = (String) entry.getKey();
      if (!name.equals(METADATA)) {
        slots.put(name, slot(name, entry.getValue(), dataLength, source));
      }
    }
    checkTiling(slots, dataLength, source);
    return slots;
  }

  private static Slot slot(String name, Object entry, long dataLength, String source) {
    if (!(entry instanceof Map<?, ?> fields)) {
      throw new InvalidWeightsException(source, name, "header entry is not a JSON object");
    }
    if (!(fields.get("dtype") instanceof String dtypeName)) {
      throw new InvalidWeightsException(source, name, "\"dtype\" is missing or not a string");
    }
    Dtype dtype = Dtype.of(dtypeName);
    if (dtype == null) {
      throw new InvalidWeightsException(source, name, "unknown dtype '" + dtypeName
          + "'; expected F32 (or F64, F16, BF16, which are converted)");
    }
    List<Long> shape = naturals(fields.get("shape"), -1, "shape", name, source);
    List<Long> offsets = naturals(fields.get("data_offsets"), 2, "data_offsets", name, source);
    long begin = offsets.get(0);
    long end = offsets.get(1);
    if (end < begin || end > dataLength) {
      throw new InvalidWeightsException(source, name, "data_offsets " + offsets
          + (end < begin ? " end before they begin" : " run past the end of the data buffer ("
              + dataLength + " bytes); truncated?"));
    }
    long needed;
    try {
      long elements = 1;
      for (long dim : shape) {
        elements = Math.multiplyExact(elements, dim);
      }
      needed = Math.multiplyExact(elements, (long) dtype.bytes);
    } catch (ArithmeticException overflow) {
      throw new InvalidWeightsException(source, name, "shape " + shape + " is too large");
    }
    if (end - begin != needed) {
      throw new InvalidWeightsException(source, name, "data_offsets " + offsets + " hold "
          + (end - begin) + " bytes, but dtype " + dtype + " and shape " + shape + " need "
          + needed);
    }
    return new Slot(new Tensor(name, dtypeName, shape), dtype, begin, end);
  }

  /** A list of non-negative integers, of {@code size} elements unless that is negative. */
  private static List<Long> naturals(Object value, int size, String field, String name,
      String source) {
    if (value instanceof List<?> list && (size < 0 || list.size() == size)
        && list.stream().allMatch(e -> e instanceof Long v && v >= 0)) {
      return list.stream().map(Long.class::cast).toList();
    }
    throw new InvalidWeightsException(source, name, "\"" + field + "\" must be a list of "
        + (size < 0 ? "" : size + " ") + "non-negative integers, got " + value);
  }

  /** As the reference implementation demands: no overlaps, no gaps, no trailing bytes. */
  private static void checkTiling(Map<String, Slot> slots, long dataLength, String source) {
    List<Slot> ordered = new ArrayList<>(slots.values());
    ordered.sort(Comparator.comparingLong(Slot::begin).thenComparingLong(Slot::end));
    long next = 0;
    String previous = null;
    for (Slot slot : ordered) {
      if (slot.begin() != next) {
        throw new InvalidWeightsException(source, slot.tensor().name(), "data_offsets ["
            + slot.begin() + ", " + slot.end() + "] "
            + (slot.begin() < next ? "overlap tensor '" + previous + "'"
                : "leave bytes " + next + ".." + slot.begin() + " of the data buffer unused"));
      }
      next = slot.end();
      previous = slot.tensor().name();
    }
    if (next != dataLength) {
      throw new InvalidWeightsException(source, null, "the data buffer has " + dataLength
          + " bytes, but its tensors end at byte " + next);
    }
  }
}
