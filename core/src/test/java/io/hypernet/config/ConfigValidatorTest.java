package io.hypernet.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * REFERENCE.md, "Configurations": defaults, and a named reason for every configuration that cannot
 * be built.
 */
class ConfigValidatorTest {
  private static final ConfigValidator VALIDATOR = new ConfigValidator(new SizeLimits(64L << 20));

  private static ConfigRow row(String id, Integer l, Integer n, Integer d, Integer hidden,
      Boolean isStatic, String activation, String weights) {
    return new ConfigRow(id, l, n, d, hidden, null, isStatic, activation, weights, "cfg.parquet");
  }

  private static String reasonOf(ConfigRow row) {
    ConfigValidator.Result result = VALIDATOR.validate(List.of(row));
    assertEquals(0, result.valid().size(), "should be invalid: " + row);
    assertEquals(1, result.invalid().size());
    return result.invalid().get(0).reason();
  }

  @Test
  void appliesTheSpecDefaults() {
    ConfigValidator.Result result =
        VALIDATOR.validate(List.of(row("a", 4, 2, 3, null, null, null, null)));
    HypernetConfig config = result.valid().get(0);
    assertEquals(HypernetConfig.DEFAULT_HIDDEN_DIM, config.hiddenDim());
    assertEquals(HypernetConfig.DEFAULT_SEED, config.seed());
    assertEquals(Activation.NONE, config.activation());
    assertEquals(6, config.outputSize());
    assertEquals(Activation.SIGMOID,
        VALIDATOR.validate(List.of(row("b", 4, 2, 3, 8, true, " Sigmoid ", null)))
            .valid().get(0).activation());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', nullValues = "null", value = {
      "l missing        | null | 2 | 3 | 8    | null  | none | l is missing (null)",
      "l zero           | 0    | 2 | 3 | 8    | null  | none | l must be > 0, got 0",
      "n negative       | 4    |-1 | 3 | 8    | null  | none | n must be > 0, got -1",
      "D missing        | 4    | 2 |null| 8   | null  | none | D is missing (null)",
      "hidden_dim zero  | 4    | 2 | 3 | 0    | null  | none | hidden_dim must be > 0, got 0",
      "activation       | 4    | 2 | 3 | 8    | null  | relu | unknown activation 'relu'",
      "static=false     | 4    | 2 | 3 | 8    | false | none | static=false needs a weights path"})
  void eachInvalidConfigurationHasItsReason(String name, Integer l, Integer n, Integer d,
      Integer hidden, Boolean isStatic, String activation, String expected) {
    String reason = reasonOf(row("c", l, n, d, hidden, isStatic, activation, null));
    assertTrue(reason.startsWith(expected), name + ": " + reason);
  }

  @ParameterizedTest(name = "{0} = {1}")
  @CsvSource({"l, 4294967296", "l, -4294967232", "n, 2147483648", "n, -2147483649",
      "D, 9223372036854775807", "D, -9223372036854775808", "hidden_dim, 4294967360",
      "hidden_dim, -4294967168"})
  void sizesBeyondTheIntRangeAreInvalidWithTheirRealValue(String column, long value) {
    Long[] sizes = {4L, 2L, 3L, 8L};
    sizes[List.of("l", "n", "D", "hidden_dim").indexOf(column)] = value;
    String reason = reasonOf(new ConfigRow("c", sizes[0], sizes[1], sizes[2], sizes[3], null,
        null, null, null, null, "cfg.parquet"));
    assertEquals(value > 0 ? column + " must be at most 2147483647 (an int), got " + value
        : column + " must be > 0, got " + value, reason);
  }

  @Test
  void aWeightsFileMakesATrainedHypernetUnlessStaticSaysOtherwise() {
    HypernetConfig trained = VALIDATOR.validate(
        List.of(row("t", 4, 2, 3, 8, null, "sigmoid", "s3a://b/t.safetensors"))).valid().get(0);
    assertTrue(trained.isImported());
    assertEquals("s3a://b/t.safetensors", trained.weightsSource());
    assertTrue(VALIDATOR.validate(List.of(row("t", 4, 2, 3, 8, false, null, "t.safetensors")))
        .valid().get(0).isImported());
    assertTrue(reasonOf(row("t", 4, 2, 3, 8, true, null, "t.safetensors"))
        .startsWith("static=true (seed-derived weights) contradicts weights=t.safetensors"));
    assertFalse(VALIDATOR.validate(List.of(row("s", 4, 2, 3, 8, true, null, null))).valid()
        .get(0).isImported());
  }

  @Test
  void initChoosesTheGeneratorOfFrozenWeightsOnly() {
    assertEquals(WeightsInit.SEEDED, VALIDATOR.validate(List.of(row("s", 4, 2, 3, 8, null, null,
        null))).valid().get(0).init());
    HypernetConfig torch = VALIDATOR.validate(List.of(withInit(" Torch ", null))).valid().get(0);
    assertEquals(WeightsInit.TORCH, torch.init());
    assertTrue(torch.toString().contains("init=torch"), torch.toString());
    assertEquals("unknown init 'xavier' (expected 'seeded' or 'torch')",
        reasonOf(withInit("xavier", null)));
    assertEquals("init=torch generates frozen random weights and contradicts "
        + "weights=t.safetensors; leave init null to use the file",
        reasonOf(withInit("torch", "t.safetensors")));
  }

  private static ConfigRow withInit(String init, String weights) {
    return new ConfigRow("i", 4L, 2L, 3L, 8L, 1L, null, null, weights, init, "cfg.parquet");
  }

  @ParameterizedTest(name = "[{0}]")
  @CsvSource(delimiter = '|', value = {
      "''                              | weights is empty",
      "'   '                           | weights is empty",
      "hdfs://bad host/x | weights 'hdfs://bad host/x' is neither a path nor a valid URI: Illegal",
      "::                | weights '::' is neither a path nor a valid URI: Expected scheme name",
      "http://127.0.0.1:9/t.safetensors | weights 'http://127.0.0.1:9/t.safetensors' has the "
          + "scheme 'http'; weights are read only from a path or a filesystem URI (file, hdfs, "
          + "viewfs, s3a, s3, gs, abfs, abfss, wasb, wasbs, o3fs, ofs)",
      "HTTPS://h/t.safetensors          | weights 'HTTPS://h/t.safetensors' has the scheme 'https'",
      "ftp://h/t.safetensors            | weights 'ftp://h/t.safetensors' has the scheme 'ftp'",
      "C:/models/t.safetensors          | weights 'C:/models/t.safetensors' has the scheme 'c'",
      "s3a://bucket                     | weights 's3a://bucket' names no file"})
  void weightsMustBeAPathOrAFilesystemUri(String weights, String expected) {
    String reason = reasonOf(row("t", 4, 2, 3, 8, null, null, weights));
    assertTrue(reason.startsWith(expected), reason);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
      "t.safetensors,          file:/data/configs/t.safetensors",
      "../models/t.safetensors, file:/data/configs/../models/t.safetensors",
      "/models/t.safetensors,  /models/t.safetensors",
      "file:/models/t.safetensors, file:/models/t.safetensors",
      "hdfs://nn:8020/m/t.safetensors, hdfs://nn:8020/m/t.safetensors",
      "S3A://bucket/m/t.safetensors, S3A://bucket/m/t.safetensors",
      "my models/t.safetensors, file:/data/configs/my models/t.safetensors"})
  void relativeWeightsPathsResolveAgainstTheConfigsDirectory(String weights, String expected) {
    ConfigValidator validator = new ConfigValidator(new SizeLimits(64L << 20),
        "file:/data/configs");
    assertEquals(expected, validator.validate(List.of(row("t", 4, 2, 3, 8, null, null, weights)))
        .valid().get(0).weightsSource());
  }

  @Test
  void tooLargeToBroadcastNamesTheSizeAndTheLimit() {
    String reason = reasonOf(row("big", 64, 1024, 1024, 128, null, null, null));
    assertTrue(reason.contains("516.0 MiB") && reason.contains("64.0 MiB")
        && reason.contains("--max-weights-mb"), reason);
  }

  @Test
  void sizesBeyondAJavaArrayAreInvalidNotAnOverflow() {
    assertTrue(reasonOf(row("huge", 4, 65536, 65536, 8, null, null, null))
        .startsWith("n·D = 65536·65536 = 4294967296 floats exceeds"));
    assertTrue(reasonOf(row("wide", 4, 4096, 4096, 256, null, null, null))
        .startsWith("n·D·hidden_dim = 4294967296 floats exceeds"));
  }

  @Test
  void aRowOfWAboveOneGibIsInvalidWithItsNumbers() {
    ConfigValidator roomy = new ConfigValidator(new SizeLimits(Long.MAX_VALUE));
    ConfigValidator.Result result = roomy.validate(List.of(
        row("max", 1, 1 << 14, 1 << 14, 1, null, null, null),
        row("over", 1, (1 << 14) + 1, 1 << 14, 1, null, null, null)));
    assertEquals(List.of("max"), result.valid().stream().map(HypernetConfig::configId).toList());
    assertEquals("n·D = 16385·16384 = 268451840 floats exceeds the largest row of W, 268435456 "
        + "floats (1 GiB: one Parquet page holds a whole row)", result.invalid().get(0).reason());
  }

  @Test
  void duplicateAndNullKeysInvalidateEveryRowOfThem() {
    ConfigValidator.Result result = VALIDATOR.validate(List.of(
        row("dup", 4, 2, 3, 8, null, null, null), row("ok", 4, 2, 3, 8, null, null, null),
        row("dup", 4, 2, 3, 8, null, null, null), row(null, 4, 2, 3, 8, null, null, null)));
    assertEquals(List.of("ok"), result.valid().stream().map(HypernetConfig::configId).toList());
    Map<String, String> invalid = new TreeMap<>();
    result.invalid().forEach(c -> invalid.put(String.valueOf(c.configId()), c.reason()));
    assertEquals(Map.of("dup", "duplicate config_id: 2 rows in the configurations",
        "null", "config_id is null in cfg.parquet"), invalid);
  }
}
