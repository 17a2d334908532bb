package io.hypernet.testing;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;

/** Reading output rows ({@code id, config_id, n, D, W}) back in tests. */
public final class OutputRows {
  private OutputRows() {}

  /** The rows by their long id (column 0). */
  public static Map<Long, Row> byId(List<Row> rows) {
    Map<Long, Row> map = new TreeMap<>();
    rows.forEach(r -> map.put(r.getLong(0), r));
    return map;
  }

  /** A W (or w) column's values as floats. */
  public static float[] floats(List<?> values) {
    float[] f = new float[values.size()];
    for (int i = 0; i < f.length; i++) {
      f[i] = ((Number) values.get(i)).floatValue();
    }
    return f;
  }
}
