package io.hypernet.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hypernet.testing.TorchFixtures.Case;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds one front end's W to PyTorch's within the tolerance of REFERENCE.md ("Computation"):
 * every element within 1e-4 × max|W| of its row. Keeps the largest relative difference per case
 * and weights (a state dict's dtype, or how the weights were made) for the note, which asserts
 * nothing about them beyond the tolerance.
 */
public final class TorchParity {
  private static final Logger LOG = LoggerFactory.getLogger(TorchParity.class);
  /** Every front end's largest differences in this JVM, so the last line sums up the run. */
  private static final Map<String, Double> ALL = new TreeMap<>();

  private final String frontEnd;
  private final Map<String, Double> largest = new TreeMap<>();
  private int rows;

  public TorchParity(String frontEnd) {
    this.frontEnd = frontEnd;
  }

  /**
   * Checks one row of our W, {@code n·D} floats of {@code ours} from {@code offset}, against row
   * {@code row} of PyTorch's {@code torchW}.
   */
  public void check(Case c, String weights, int row, float[] ours, int offset, float[] torchW) {
    int size = c.outputSize();
    double[] expected = new double[size];
    for (int i = 0; i < size; i++) {
      expected[i] = torchW[row * size + i];
    }
    double difference = Float64Reference.relativeError(expected, ours, offset);
    assertTrue(difference <= Float64Reference.RELATIVE_TOLERANCE, frontEnd + ", case " + c.name()
        + ", weights " + weights + ", row " + row + ": |ours - torch| is " + difference
        + " of max|W| of the row");
    largest.merge(c.name() + "/" + weights, difference, Math::max);
    rows++;
  }

  /** Rows checked so far, so a test can tell that none was missed. */
  public int rows() {
    return rows;
  }

  /** One line for the note: the largest difference per case/weights and overall. */
  public void log() {
    synchronized (ALL) {
      largest.forEach((key, value) -> ALL.merge(frontEnd + " " + key, value, Math::max));
      LOG.info("torch parity, {} against {}, {} rows: largest |ours - torch| / max|W row| {} "
          + "(per case/weights: {}); all front ends so far: {}", frontEnd,
          TorchFixtures.madeBy(), rows, worst(largest), format(largest), worst(ALL));
    }
  }

  private static String worst(Map<String, Double> differences) {
    return differences.entrySet().stream().max(Map.Entry.comparingByValue())
        .map(e -> format(e.getValue()) + " at " + e.getKey()).orElse("none");
  }

  private static String format(Map<String, Double> differences) {
    return differences.entrySet().stream().map(e -> e.getKey() + " " + format(e.getValue()))
        .collect(Collectors.joining(", "));
  }

  private static String format(double value) {
    return String.format(Locale.ROOT, "%.2e", value);
  }
}
