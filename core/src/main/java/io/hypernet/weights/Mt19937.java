package io.hypernet.weights;

/**
 * The 32-bit Mersenne Twister as PyTorch's CPU generator runs it ({@code at::mt19937}, the same
 * stream as {@code std::mt19937}). {@code torch.manual_seed(s)} seeds it with the low 32 bits of
 * {@code s}, so seeds that differ only above bit 31 give the same stream, in PyTorch and here.
 */
final class Mt19937 {
  private static final int N = 624;
  private static final int M = 397;
  private static final int MATRIX_A = 0x9908B0DF;
  private static final int UPPER_MASK = 0x80000000;
  private static final int LOWER_MASK = 0x7FFFFFFF;

  private final int[] state = new int[N];
  private int next = N;

  Mt19937(long seed) {
    state[0] = (int) seed;
    for (int j = 1; j < N; j++) {
      int prev = state[j - 1];
      state[j] = 1812433253 * (prev ^ (prev >>> 30)) + j;
    }
  }

  /** The next 32 random bits, as an unsigned value in a long's low half. */
  long nextUint32() {
    if (next == N) {
      twist();
    }
    int y = state[next++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9D2C5680;
    y ^= (y << 15) & 0xEFC60000;
    y ^= y >>> 18;
    return y & 0xFFFF_FFFFL;
  }

  /** Draws and discards {@code count} values, as an initialiser whose values are overwritten. */
  void skip(long count) {
    for (long k = 0; k < count; k++) {
      if (next == N) {
        twist();
      }
      next++;
    }
  }

  private void twist() {
    for (int k = 0; k < N; k++) {
      int y = (state[k] & UPPER_MASK) | (state[(k + 1) % N] & LOWER_MASK);
      state[k] = state[(k + M) % N] ^ (y >>> 1) ^ ((y & 1) != 0 ? MATRIX_A : 0);
    }
    next = 0;
  }
}
