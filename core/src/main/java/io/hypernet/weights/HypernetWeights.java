package io.hypernet.weights;

import io.hypernet.config.Activation;
import io.hypernet.config.HypernetConfig;
import io.hypernet.config.WeightsInit;
import java.io.Serializable;
import java.util.List;

/**
 * The frozen parameters of one hypernet, row-major as in PyTorch's {@code nn.Linear}:
 * A1 [hidden × l], b1 [hidden], A2 [n·D × hidden], b2 [n·D]. Made where a hypernet is loaded,
 * from the configuration's broadcast recipe (generated from the seed, or read from its file);
 * engines turn it into their own device-resident form.
 */
public final class HypernetWeights implements Serializable {
  private static final long serialVersionUID = 1L;

  private final HypernetConfig config;
  private final float[] a1;
  private final float[] b1;
  private final float[] a2;
  private final float[] b2;

  private HypernetWeights(HypernetConfig config, float[] a1, float[] b1, float[] a2, float[] b2) {
    this.config = config;
    this.a1 = a1;
    this.b1 = b1;
    this.a2 = a2;
    this.b2 = b2;
  }

  /**
   * The frozen random weights made from the configuration's seed by its init: the project's
   * counter-based generator (REFERENCE.md, "Weight generator") or PyTorch's CPU stream after
   * {@code torch.manual_seed(seed)} ("PyTorch's stream").
   */
  public static HypernetWeights seeded(HypernetConfig config) {
    long seed = config.seed();
    int l = config.l();
    int hidden = config.hiddenDim();
    int out = config.outputSize();
    if (config.init() == WeightsInit.TORCH) {
      float[][] p = TorchInit.parameters(seed, l, hidden, out);
      return new HypernetWeights(config, p[0], p[1], p[2], p[3]);
    }
    return new HypernetWeights(config,
        SeededWeights.fill(seed, SeededWeights.A1, new float[hidden * l]),
        SeededWeights.fill(seed, SeededWeights.B1, new float[hidden]),
        SeededWeights.fill(seed, SeededWeights.A2, new float[Math.multiplyExact(out, hidden)]),
        SeededWeights.fill(seed, SeededWeights.B2, new float[out]));
  }

  /**
   * The weights of a trained tinyBIG hypernet, from its {@code state_dict} in safetensors
   * (REFERENCE.md, "Trained hypernets"). {@code nn.Sequential} numbers its layers: {@code 0} is
   * Linear(l, hidden_dim) and the second Linear is {@code 1} without activation, or {@code 2}
   * behind the parameterless {@code nn.Sigmoid}. Exactly these four tensors must be there, with the
   * configuration's shapes and finite values, so a file of another net or activation is an error,
   * not wrong output.
   *
   * @throws InvalidWeightsException naming the file and the tensor
   */
  public static HypernetWeights imported(HypernetConfig config, SafetensorsFile file) {
    String second = config.activation() == Activation.SIGMOID ? "2" : "1";
    List<String> keys = List.of("0.weight", "0.bias", second + ".weight", second + ".bias");
    for (String key : keys) {
      if (!file.names().contains(key)) {
        throw new InvalidWeightsException(file.source(), key, "missing; " + layout(config, keys,
            file));
      }
    }
    for (String name : file.names()) {
      if (!keys.contains(name)) {
        throw new InvalidWeightsException(file.source(), name, "unexpected; " + layout(config,
            keys, file));
      }
    }
    long l = config.l();
    long hidden = config.hiddenDim();
    long out = config.outputSize();
    return new HypernetWeights(config,
        tensor(file, keys.get(0), List.of(hidden, l), "[hidden_dim, l]", config),
        tensor(file, keys.get(1), List.of(hidden), "[hidden_dim]", config),
        tensor(file, keys.get(2), List.of(out, hidden), "[n·D, hidden_dim]", config),
        tensor(file, keys.get(3), List.of(out), "[n·D]", config));
  }

  private static String layout(HypernetConfig config, List<String> keys, SafetensorsFile file) {
    return "a hypernet with activation " + config.activation().sqlName() + " has exactly "
        + String.join(", ", keys) + ", the file holds " + String.join(", ", file.names());
  }

  private static float[] tensor(SafetensorsFile file, String name, List<Long> shape,
      String meaning, HypernetConfig config) {
    List<Long> actual = file.tensor(name).shape();
    if (!actual.equals(shape)) {
      throw new InvalidWeightsException(file.source(), name, "shape " + actual + ", expected "
          + shape + " = " + meaning + " of " + config);
    }
    float[] values = file.floats(name);
    for (int i = 0; i < values.length; i++) {
      if (!Float.isFinite(values[i])) {
        throw new InvalidWeightsException(file.source(), name,
            "element " + i + " is " + values[i] + " as float32; weights must be finite");
      }
    }
    return values;
  }

  public HypernetConfig config() {
    return config;
  }

  public int inputSize() {
    return config.l();
  }

  public int hiddenSize() {
    return config.hiddenDim();
  }

  public int outputSize() {
    return config.outputSize();
  }

  public Activation activation() {
    return config.activation();
  }

  /** A1, [hidden × l] row-major. Callers must not modify the returned arrays. */
  public float[] a1() {
    return a1;
  }

  public float[] b1() {
    return b1;
  }

  /** A2, [n·D × hidden] row-major. */
  public float[] a2() {
    return a2;
  }

  public float[] b2() {
    return b2;
  }

  public long sizeInBytes() {
    return (long) (a1.length + b1.length + a2.length + b2.length) * Float.BYTES;
  }
}
