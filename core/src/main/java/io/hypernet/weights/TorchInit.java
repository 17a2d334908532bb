package io.hypernet.weights;

/**
 * The frozen hypernet tinyBIG builds right after {@code torch.manual_seed(seed)}:
 * {@code nn.Sequential(nn.Linear(l, hidden), [nn.Sigmoid()], nn.Linear(hidden, n·D))}, whose
 * construction draws PyTorch's default initialisation ({@code kaiming_uniform_} on each weight,
 * {@code uniform_} on each bias), then {@code normal_} on A1, b1, A2 and b2 in that order.
 * The sigmoid has no parameters, so both activations draw the same stream.
 */
final class TorchInit {
  private TorchInit() {}

  /** A1, b1, A2, b2 as PyTorch's CPU generator fills them on an AVX2 machine. */
  static float[][] parameters(long seed, int l, int hidden, int out) {
    int a2 = Math.multiplyExact(out, hidden);
    int[] sizes = {Math.multiplyExact(hidden, l), hidden, a2, out};
    TorchCpuGenerator generator = new TorchCpuGenerator(seed);
    for (int size : sizes) {
      generator.skipUniform(size); // the default init's values are overwritten by normal_
    }
    float[][] tensors = new float[sizes.length][];
    for (int p = 0; p < sizes.length; p++) {
      tensors[p] = generator.normal(new float[sizes[p]]);
    }
    return tensors;
  }
}
