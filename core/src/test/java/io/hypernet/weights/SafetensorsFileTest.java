package io.hypernet.weights;

import static io.hypernet.weights.SafetensorsWriter.file;
import static io.hypernet.weights.SafetensorsWriter.le16;
import static io.hypernet.weights.SafetensorsWriter.le32;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hypernet.testing.SafetensorsBytes;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SafetensorsFileTest {
  static final String SOURCE = "hdfs:///models/h.safetensors";

  private static float[] gaussian(int size, long seed) {
    Random random = new Random(seed);
    float[] values = new float[size];
    for (int i = 0; i < size; i++) {
      values[i] = (float) (random.nextGaussian() * 10);
    }
    return values;
  }

  @Test
  void f32RoundTripsBitForBit() {
    float[] special = {0f, -0f, Float.MIN_VALUE, -1e-40f, Float.MAX_VALUE, -Float.MAX_VALUE,
        Float.POSITIVE_INFINITY, 1f / 3, (float) Math.PI};
    float[] matrix = gaussian(3 * 5, 1);
    SafetensorsFile file = SafetensorsBytes.parse(new SafetensorsWriter()
        .f32("special", special, special.length).f32("matrix", matrix, 3, 5).bytes(), SOURCE);
    assertEquals(SOURCE, file.source());
    assertEquals(List.of("matrix", "special"), List.copyOf(file.names()));
    assertEquals(new SafetensorsFile.Tensor("matrix", "F32", List.of(3L, 5L)),
        file.tensor("matrix"));
    assertArrayEquals(special, file.floats("special"));
    assertArrayEquals(matrix, file.floats("matrix"));
  }

  @Test
  void scalarsEmptyTensorsAndMetadataParse() {
    SafetensorsFile file = SafetensorsBytes.parse(new SafetensorsWriter()
        .f32("empty", new float[0], 0, 4).f32("scalar", new float[] {2.5f}).bytes(), SOURCE);
    assertEquals(Set.of("empty", "scalar"), file.names());
    assertEquals(List.of(), file.tensor("scalar").shape());
    assertArrayEquals(new float[] {2.5f}, file.floats("scalar"));
    assertArrayEquals(new float[0], file.floats("empty"));
  }

  @Test
  void escapedStringsAndWhitespaceInTheHeaderParse() {
    SafetensorsFile file = SafetensorsBytes.parse(file(
        "{ \"__metadata__\" : {\"note\": \"caf\\u00e9 \\\"x\\\"\\n\", \"k\": \"\\/\"},\n"
            + "\t\"we\\u0069ght\" : {\"dtype\": \"F32\", \"shape\": [ 1 ], "
            + "\"data_offsets\": [0, 4]} }   ",
        new byte[] {0, 0, (byte) 0x80, 0x3F}), SOURCE);
    assertEquals(Set.of("weight"), file.names());
    assertArrayEquals(new float[] {1f}, file.floats("weight"));
  }

  @Test
  void readsAStreamOfKnownLengthLikeBytes() throws Exception {
    float[] values = gaussian(40, 2);
    byte[] bytes = new SafetensorsWriter().f32("a", values, 8, 5).bytes();
    SafetensorsFile file =
        SafetensorsFile.read(new ByteArrayInputStream(bytes), bytes.length, SOURCE);
    assertEquals(List.of(8L, 5L), file.tensor("a").shape());
    assertArrayEquals(values, file.floats("a"));
  }

  @Test
  void f64IsRoundedToTheNearestFloat() {
    double[] values = {0.1, -1.0 / 3, Math.PI, 1e-50, -1e300, 16777217.0, 1.0 + 0x1p-24};
    SafetensorsFile file = SafetensorsBytes.parse(
        new SafetensorsWriter().f64("d", values, values.length).bytes(), SOURCE);
    float[] floats = file.floats("d");
    for (int i = 0; i < values.length; i++) {
      assertEquals((float) values[i], floats[i], 0f, "element " + i);
    }
    assertEquals(Float.NEGATIVE_INFINITY, floats[4]);
    assertEquals(16777216f, floats[5]);
  }

  @Test
  void f16KnownValues() {
    int[] halves = {0x3E00, 0xC000, 0x7BFF, 0x0001, 0x03FF, 0x0400, 0x7C00, 0xFC00, 0x8000,
        0x3555};
    float[] expected = {1.5f, -2f, 65504f, 0x1p-24f, 1023 * 0x1p-24f, 0x1p-14f,
        Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, -0f, 0.333251953125f};
    SafetensorsFile file = SafetensorsBytes.parse(
        new SafetensorsWriter().tensor("h", "F16", le16(halves), halves.length).bytes(), SOURCE);
    assertArrayEquals(expected, file.floats("h"));
    float nan = SafetensorsBytes.parse(new SafetensorsWriter()
        .tensor("nan", "F16", le16(0x7E00), 1).bytes(), SOURCE).floats("nan")[0];
    assertTrue(Float.isNaN(nan));
  }

  /** All 65536 halves against the IEEE 754 binary16 definition evaluated in double. */
  @Test
  void f16EveryBitPatternMatchesTheDefinition() {
    int[] halves = new int[1 << 16];
    Arrays.setAll(halves, i -> i);
    float[] floats = SafetensorsBytes.parse(new SafetensorsWriter()
        .tensor("all", "F16", le16(halves), halves.length).bytes(), SOURCE).floats("all");
    for (int h = 0; h < halves.length; h++) {
      double sign = (h & 0x8000) != 0 ? -1 : 1;
      int exponent = (h >> 10) & 0x1f;
      int mantissa = h & 0x3ff;
      double expected;
      if (exponent == 0x1f) {
        expected = mantissa == 0 ? sign * Double.POSITIVE_INFINITY : Double.NaN;
      } else if (exponent == 0) {
        expected = sign * mantissa * Math.pow(2, -24);
      } else {
        expected = sign * (1 + mantissa / 1024.0) * Math.pow(2, exponent - 15);
      }
      assertEquals((float) expected, floats[h], 0f, "half 0x" + Integer.toHexString(h));
    }
  }

  @Test
  void bf16IsTheUpperHalfOfAFloat32() {
    int[] halves = {0x3F80, 0xC040, 0x4049, 0x7F80, 0xFF80, 0x0001, 0x8000, 0x7F7F};
    float[] expected = {1f, -3f, 3.140625f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY,
        Float.intBitsToFloat(0x00010000), -0f, Float.intBitsToFloat(0x7F7F0000)};
    SafetensorsFile file = SafetensorsBytes.parse(
        new SafetensorsWriter().tensor("b", "BF16", le16(halves), halves.length).bytes(), SOURCE);
    assertArrayEquals(expected, file.floats("b"));

    float[] truncated = gaussian(100, 3);
    int[] upper = new int[truncated.length];
    for (int i = 0; i < truncated.length; i++) {
      upper[i] = Float.floatToIntBits(truncated[i]) >>> 16;
      truncated[i] = Float.intBitsToFloat(upper[i] << 16);
    }
    assertArrayEquals(truncated, SafetensorsBytes.parse(new SafetensorsWriter()
        .tensor("r", "BF16", le16(upper), upper.length).bytes(), SOURCE).floats("r"));
  }

  /** An independent reader, DJL's, sees the same tensors in a file of our test writer. */
  @Test
  void djlReadsTheSameF32File() {
    float[] a = gaussian(6 * 4, 4);
    float[] b = gaussian(6, 5);
    byte[] bytes = new SafetensorsWriter().f32("0.weight", a, 6, 4).f32("0.bias", b, 6).bytes();
    SafetensorsFile ours = SafetensorsBytes.parse(bytes, SOURCE);
    try (NDManager manager = Engine.getEngine("PyTorch").newBaseManager()) {
      NDList list = NDList.decode(manager, new ByteArrayInputStream(bytes));
      assertEquals(2, list.size());
      for (NDArray array : list) {
        SafetensorsFile.Tensor tensor = ours.tensor(array.getName());
        assertEquals(tensor.shape(), Arrays.stream(array.getShape().getShape()).boxed().toList());
        assertArrayEquals(array.toFloatArray(), ours.floats(array.getName()));
      }
      assertArrayEquals(a, list.get("0.weight").toFloatArray());
    }
  }

  static Stream<Arguments> malformed() {
    byte[] twoFloats = new byte[8];
    byte[] valid = new SafetensorsWriter().f32("a", new float[] {1, 2}, 2)
        .f32("b", new float[] {3, 4, 5}, 3).bytes();
    byte[] notUtf8 = file("{\"x\":{}}", new byte[0]);
    notUtf8[Long.BYTES + 2] = (byte) 0xFF;
    return Stream.of(
        Arguments.of("empty file", new byte[0], null, "too short"),
        Arguments.of("shorter than the length prefix", new byte[5], null, "too short"),
        Arguments.of("header length past the end",
            ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN).putLong(1000).array(),
            null, "header length 1000 runs past the end of the file (12 bytes)"),
        Arguments.of("header length beyond any header",
            ByteBuffer.allocate(16).putLong(-1).array(), null,
            "header length 18446744073709551615 exceeds"),
        Arguments.of("truncated JSON", file("{\"a\":", new byte[0]), null, "not valid JSON"),
        Arguments.of("not UTF-8", notUtf8, null, "not valid UTF-8"),
        Arguments.of("nested too deeply", file("[".repeat(40) + "]".repeat(40), new byte[0]),
            null, "nested deeper than 32 levels"),
        Arguments.of("JSON array", file("[]", new byte[0]), null, "not a JSON object"),
        Arguments.of("duplicate key", file("{\"a\":{},\"a\":{}}", new byte[0]), null,
            "duplicate key \"a\""),
        Arguments.of("fractional number",
            file("{\"a\":{\"dtype\":\"F32\",\"shape\":[2.5],\"data_offsets\":[0,8]}}", twoFloats),
            null, "only integers"),
        Arguments.of("entry not an object", file("{\"a\":3}", new byte[0]), "a",
            "not a JSON object"),
        Arguments.of("missing dtype",
            file("{\"a\":{\"shape\":[2],\"data_offsets\":[0,8]}}", twoFloats), "a", "\"dtype\""),
        Arguments.of("unknown dtype",
            file("{\"a\":{\"dtype\":\"Q4\",\"shape\":[2],\"data_offsets\":[0,8]}}", twoFloats),
            "a", "unknown dtype 'Q4'"),
        Arguments.of("negative dimension",
            file("{\"a\":{\"dtype\":\"F32\",\"shape\":[-2],\"data_offsets\":[0,8]}}", twoFloats),
            "a", "\"shape\" must be a list of non-negative integers, got [-2]"),
        Arguments.of("one offset",
            file("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8]}}", twoFloats),
            "a", "\"data_offsets\" must be a list of 2 non-negative integers"),
        Arguments.of("reversed offsets",
            file("{\"a\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[8,0]}}", twoFloats),
            "a", "data_offsets [8, 0] end before they begin"),
        Arguments.of("offsets past the data",
            file("{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}", twoFloats),
            "a", "data_offsets [0, 16] run past the end of the data buffer (8 bytes)"),
        Arguments.of("byte count not shape × dtype",
            file("{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", twoFloats),
            "a", "hold 8 bytes, but dtype F32 and shape [3] need 12"),
        Arguments.of("shape overflows",
            file("{\"a\":{\"dtype\":\"F64\",\"shape\":[4294967296,4294967296],"
                + "\"data_offsets\":[0,8]}}", twoFloats), "a", "is too large"),
        Arguments.of("overlapping tensors",
            file("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}",
                new byte[12]), "b", "overlap tensor 'a'"),
        Arguments.of("gap between tensors",
            file("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[12,20]}}",
                new byte[20]), "b", "leave bytes 8..12"),
        Arguments.of("trailing bytes",
            file("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}",
                new byte[12]), null, "has 12 bytes, but its tensors end at byte 8"),
        Arguments.of("truncated file", Arrays.copyOf(valid, valid.length - 3), "b",
            "run past the end of the data buffer (17 bytes); truncated?"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformed")
  void malformedFilesNameTheFileAndTheTensor(String description, byte[] bytes, String tensor,
      String fragment) {
    InvalidWeightsException e =
        assertThrows(InvalidWeightsException.class, () -> SafetensorsBytes.parse(bytes, SOURCE));
    assertMessage(e, tensor, fragment);
  }

  @Test
  void aStreamShorterThanItsLengthIsTruncated() {
    byte[] bytes = new SafetensorsWriter().f32("a", new float[] {1, 2, 3}, 3).bytes();
    InvalidWeightsException e = assertThrows(InvalidWeightsException.class,
        () -> SafetensorsFile.read(new ByteArrayInputStream(bytes), bytes.length + 4L, SOURCE));
    assertMessage(e, null, "the stream ended after " + bytes.length + " bytes, but the file is "
        + (bytes.length + 4) + " bytes long");
    assertMessage(assertThrows(InvalidWeightsException.class,
        () -> SafetensorsFile.read(new ByteArrayInputStream(bytes), 5, SOURCE)), null,
        "only 5 bytes, too short");
  }

  @Test
  void nonFloatDtypesAndUnknownNamesAreRefusedByName() {
    SafetensorsFile file = SafetensorsBytes.parse(new SafetensorsWriter()
        .tensor("ints", "I32", le32(1, 2), 2).bytes(), SOURCE);
    assertEquals("I32", file.tensor("ints").dtype());
    assertMessage(assertThrows(InvalidWeightsException.class, () -> file.floats("ints")),
        "ints", "dtype I32 is not supported");
    assertMessage(assertThrows(InvalidWeightsException.class, () -> file.tensor("nope")),
        "nope", "no such tensor; the file holds ints");
  }

  static void assertMessage(InvalidWeightsException e, String tensor, String fragment) {
    String message = e.getMessage();
    assertEquals(SOURCE, e.source());
    assertEquals(tensor, e.tensor());
    assertTrue(message.startsWith("safetensors file " + SOURCE
        + (tensor == null ? ": " : ", tensor '" + tensor + "': ")), message);
    assertTrue(message.contains(fragment), message);
  }
}
