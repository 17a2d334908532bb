package io.hypernet.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hypernet.config.Activation;
import io.hypernet.config.HypernetConfig;
import io.hypernet.config.TestConfigs;
import io.hypernet.config.WeightsInit;
import io.hypernet.weights.SafetensorsFile;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The parity fixtures real PyTorch wrote (core/src/test/python/make_fixtures.py, which says how
 * to rerun it): tinyBIG hypernets' state dicts in four dtypes, w vectors and PyTorch's W for each,
 * read from the test classpath ({@code torch/}), so the job module's tests find them in udf's
 * test jar.
 */
public final class TorchFixtures {
  /** The state dicts' dtypes; {@code W_<dtype>} is PyTorch's W for the file of that dtype. */
  public static final List<String> DTYPES = List.of("F32", "F64", "F16", "BF16");
  /**
   * The weights of {@code init=torch}, made from the seed: the F32 state dict is their oracle, so
   * W_F32 is PyTorch's W for them.
   */
  public static final String INIT_TORCH = "init=torch";

  private static final String DIR = "torch/";
  private static final JsonNode MANIFEST = json("cases.json");
  private static final List<Case> CASES = cases(MANIFEST);

  private TorchFixtures() {}

  /**
   * One hypernet, built as tinyBIG builds it: {@code torch.manual_seed(seed)}, then
   * {@code nn.Sequential(Linear, [Sigmoid], Linear)} and {@code normal_} on each parameter.
   *
   * @param files file names by dtype, plus {@code io} (w and the W's) and {@code default_cpu_F32}
   */
  public record Case(String name, long seed, int l, int n, int d, int hiddenDim,
      Activation activation, int rows, Map<String, String> files) {
    public int outputSize() {
      return n * d;
    }

    @Override
    public String toString() {
      return name;
    }

    /** The configuration of the case (seed-derived, until its weights are imported). */
    public HypernetConfig config() {
      return TestConfigs.config(name, l, n, d, hiddenDim, seed, activation);
    }

    /** The configuration with {@code init=torch}: PyTorch's weights, made from the seed. */
    public HypernetConfig torchInit() {
      return TestConfigs.config(name, l, n, d, hiddenDim, seed, activation, WeightsInit.TORCH);
    }

    /** The state dict saved in {@code dtype}, or {@code default_cpu_F32}. */
    public SafetensorsFile stateDict(String dtype) {
      return safetensors(files.get(dtype));
    }

    /** The w vectors, {@code rows × l} row-major. */
    public float[] w() {
      return safetensors(files.get("io")).floats("w");
    }

    /**
     * PyTorch's W for the state dict of {@code dtype} (or W_F32 for {@link #INIT_TORCH}),
     * {@code rows × n·D} row-major.
     */
    public float[] torchW(String weights) {
      return safetensors(files.get("io")).floats("W_" + (weights.equals(INIT_TORCH) ? "F32"
          : weights));
    }
  }

  public static List<Case> cases() {
    return CASES;
  }

  /** The torch version and CPU capability that made the fixtures, for logs. */
  public static String madeBy() {
    return "torch " + MANIFEST.get("torch").asText() + " (" + MANIFEST.get("cpu_capability")
        .asText() + ")";
  }

  /** Copies every fixture file into {@code dir}, for front ends that take weights by path. */
  public static Path copyTo(Path dir) {
    for (Case c : CASES) {
      for (String file : c.files().values()) {
        try (InputStream in = resource(file)) {
          Files.copy(in, dir.resolve(file));
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    }
    return dir;
  }

  private static SafetensorsFile safetensors(String file) {
    try (InputStream in = resource(file)) {
      return SafetensorsBytes.parse(in.readAllBytes(), DIR + file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static InputStream resource(String file) {
    InputStream in = TorchFixtures.class.getClassLoader().getResourceAsStream(DIR + file);
    if (in == null) {
      throw new IllegalStateException(DIR + file + " is not on the test classpath");
    }
    return in;
  }

  private static JsonNode json(String file) {
    try (InputStream in = resource(file)) {
      return new ObjectMapper().readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<Case> cases(JsonNode manifest) {
    List<Case> cases = new ArrayList<>();
    for (JsonNode c : manifest.get("cases")) {
      Map<String, String> files = new LinkedHashMap<>();
      c.get("files").fields().forEachRemaining(f -> files.put(f.getKey(), f.getValue().asText()));
      cases.add(new Case(c.get("name").asText(), c.get("seed").asLong(), c.get("l").asInt(),
          c.get("n").asInt(), c.get("D").asInt(), c.get("hidden_dim").asInt(),
          Activation.parse(c.get("activation").asText()),
          c.get("rows").asInt(), files));
    }
    return List.copyOf(cases);
  }
}
