package io.hypernet.weights;

/**
 * ATen's 16-wide Box–Muller step for {@code normal_} on x86 CPUs with AVX2
 * ({@code normal_fill_16_AVX2}), lane by lane in float: eight uniforms u1 and eight u2 become
 * eight cosine and eight sine samples. Its logarithm and sine/cosine are avx_mathfun's Cephes
 * polynomials, evaluated here with the fused multiply-adds GCC contracts them into (checked bit
 * for bit against PyTorch's own tensors, see TorchInitTest), so the result is PyTorch's to the bit.
 */
final class Avx2BoxMuller {
  // Constants are written as doubles narrowed to float, as the C initialisers are.
  private static final float SQRT_HALF = (float) 0.707106781186547524;
  private static final float[] LOG_P = {
      (float) 7.0376836292E-2, (float) -1.1514610310E-1, (float) 1.1676998740E-1,
      (float) -1.2420140846E-1, (float) 1.4249322787E-1, (float) -1.6668057665E-1,
      (float) 2.0000714765E-1, (float) -2.4999993993E-1, (float) 3.3333331174E-1};
  private static final float LOG_Q1 = (float) -2.12194440e-4;
  private static final float LOG_Q2 = (float) 0.693359375;
  private static final float FOUR_OVER_PI = (float) 1.27323954473516;
  private static final float MINUS_DP1 = (float) -0.78515625;
  private static final float MINUS_DP2 = (float) -2.4187564849853515625e-4;
  private static final float MINUS_DP3 = (float) -3.77489497744594108e-8;
  private static final float SIN_P0 = (float) -1.9515295891E-4;
  private static final float SIN_P1 = (float) 8.3321608736E-3;
  private static final float SIN_P2 = (float) -1.6666654611E-1;
  private static final float COS_P0 = (float) 2.443315711809948E-005;
  private static final float COS_P1 = (float) -1.388731625493765E-003;
  private static final float COS_P2 = (float) 4.166664568298827E-002;
  private static final float TWO_PI = (float) (2.0 * Math.PI);
  private static final int SIGN = 0x80000000;

  private Avx2BoxMuller() {}

  /** Turns the 16 uniforms at {@code data[from..from+16)} into standard normal samples. */
  static void fill16(float[] data, int from) {
    for (int j = from; j < from + 8; j++) {
      float u1 = 1f - data[j]; // [0, 1) -> (0, 1] for the logarithm
      float radius = (float) Math.sqrt(-2f * log(u1));
      long sinCos = sinCos(TWO_PI * data[j + 8]);
      data[j] = radius * Float.intBitsToFloat((int) sinCos);
      data[j + 8] = radius * Float.intBitsToFloat((int) (sinCos >>> 32));
    }
  }

  /** avx_mathfun's {@code log256_ps} for x in (0, 1]. */
  static float log(float x) {
    x = Math.max(x, Float.MIN_NORMAL);
    int bits = Float.floatToRawIntBits(x);
    float e = (float) ((bits >>> 23) - 0x7f) + 1f;
    x = Float.intBitsToFloat((bits & ~0x7f800000) | Float.floatToRawIntBits(0.5f));
    boolean below = x < SQRT_HALF;
    float tmp = below ? x : 0f;
    x = x - 1f;
    e = e - (below ? 1f : 0f);
    x = x + tmp;
    float z = x * x;
    float y = LOG_P[0];
    for (int k = 1; k < LOG_P.length; k++) {
      y = Math.fma(y, x, LOG_P[k]);
    }
    y = Math.fma(y * x, z, e * LOG_Q1);
    y = Math.fma(-z, 0.5f, y);
    return Math.fma(e, LOG_Q2, x + y);
  }

  /** avx_mathfun's {@code sincos256_ps}: the sine's bits in the high half, the cosine's below. */
  static long sinCos(float x) {
    int signSin = Float.floatToRawIntBits(x) & SIGN;
    x = Math.abs(x);
    int octant = ((int) (x * FOUR_OVER_PI) + 1) & ~1;
    float y = octant;
    signSin ^= (octant & 4) << 29;
    int signCos = (~(octant - 2) & 4) << 29;
    boolean sinPolynomial = (octant & 2) == 0;
    // Extended-precision range reduction: x - y·π/4 in three parts.
    x = Math.fma(y, MINUS_DP1, x);
    x = Math.fma(y, MINUS_DP2, x);
    x = Math.fma(y, MINUS_DP3, x);
    float z = x * x;
    float c = Math.fma(Math.fma(COS_P0, z, COS_P1), z, COS_P2) * z;
    c = Math.fma(c, z, -(z * 0.5f)) + 1f;
    float s = Math.fma(Math.fma(SIN_P0, z, SIN_P1), z, SIN_P2) * z;
    s = Math.fma(s, x, x);
    // Each output takes one polynomial; the masked subtractions leave +0 where AVX does.
    float sinPart = sinPolynomial ? s : 0f;
    float cosPart = sinPolynomial ? 0f : c;
    int sin = Float.floatToRawIntBits(cosPart + sinPart) ^ signSin;
    int cos = Float.floatToRawIntBits((c - cosPart) + (s - sinPart)) ^ signCos;
    return ((long) sin << 32) | (cos & 0xFFFF_FFFFL);
  }
}
