package io.hypernet.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.LongFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/** Input rows (id, config_id, w) with Gaussian w of each configuration's length. */
public final class RandomVectors {
  private RandomVectors() {}

  /**
   * @param cycle the configuration of row i is {@code cycle.get(i % cycle.size())}
   * @param lengths l of each configuration
   * @param floats w as Float[] (array&lt;float&gt;) rather than Double[]
   */
  public static List<Row> rows(int count, long seed, List<String> cycle,
      Map<String, Integer> lengths, LongFunction<Object> id, boolean floats) {
    Random random = new Random(seed);
    List<Row> rows = new ArrayList<>();
    for (long i = 0; i < count; i++) {
      String config = cycle.get((int) (i % cycle.size()));
      int l = lengths.get(config);
      Object[] w = floats ? new Float[l] : new Double[l];
      for (int j = 0; j < l; j++) {
        double x = random.nextGaussian();
        w[j] = floats ? (Object) (float) x : (Object) x;
      }
      rows.add(RowFactory.create(id.apply(i), config, w));
    }
    return rows;
  }
}
