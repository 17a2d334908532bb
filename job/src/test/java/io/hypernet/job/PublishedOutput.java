package io.hypernet.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hypernet.testing.OutputRows;
import io.hypernet.config.HypernetConfig;
import io.hypernet.config.SizeLimits;
import io.hypernet.job.report.RunReport;
import io.hypernet.spark.HypernetConfigs;
import io.hypernet.testing.Float64Reference;
import io.hypernet.testing.LocalSpark;
import io.hypernet.weights.HypernetWeights;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** Checks on a published output after runs whose tasks were retried or speculated. */
final class PublishedOutput {
  private PublishedOutput() {}

  /**
   * Every input id is written or rejected exactly once; the output holds one part file per input
   * partition, {@code _SUCCESS}, and no temporary file; the report's accounting holds.
   */
  static void assertEveryRowOnce(String input, String output, int partitions)
      throws IOException {
    RunReport report = RunReport.fromJson(Files.readString(Path.of(output, "_report.json")));
    assertTrue(report.accountingHolds(), report.toJson());
    assertTrue(Files.exists(Path.of(output, "_SUCCESS")));
    try (Stream<Path> files = Files.walk(Path.of(output))) {
      List<String> names = files.map(p -> Path.of(output).relativize(p).toString()).toList();
      assertTrue(names.stream().noneMatch(n -> n.endsWith(".tmp") || n.contains("_temporary")),
          "temporary files left: " + names);
      assertEquals(partitions, names.stream()
          .filter(n -> n.startsWith("part-") && n.endsWith(".parquet")).count(), "" + names);
    }
    SparkSession spark = LocalSpark.start("local[2]");
    try {
      List<Long> written = ids(spark.read().parquet(output).select("id").collectAsList());
      List<Long> rejected = ids(spark.read().parquet(output + "/_rejects").select("id")
          .filter("id is not null").collectAsList());
      List<Long> in = ids(spark.read().parquet(input).select("id").filter("id is not null")
          .collectAsList());
      Set<Long> seen = new HashSet<>(written);
      assertEquals(written.size(), seen.size(), "an id written twice");
      rejected.forEach(id -> assertTrue(seen.add(id), "id " + id + " written and rejected"));
      assertEquals(new HashSet<>(in), seen, "every input id written or rejected");
      assertEquals(report.rowsWritten(), written.size());
      assertEquals(report.rowsIn(), report.rowsWritten() + report.rowsRejected());
    } finally {
      spark.stop();
    }
  }

  /**
   * Every written W is within the tolerance (REFERENCE.md, "Computation") of the float64 reference
   * for its w.
   */
  static void assertMatchesFloat64Reference(String input, String configs, String output) {
    SparkSession spark = LocalSpark.start("local[2]");
    try {
      Map<String, HypernetWeights> weights = new HashMap<>();
      for (HypernetConfig config : HypernetConfigs.read(spark, configs)
          .validate(SizeLimits.forThisJvm()).valid()) {
        weights.put(config.configId(), HypernetWeights.seeded(config));
      }
      Map<Long, Row> vectors = OutputRows.byId(spark.read().parquet(input)
          .select("id", "w").filter("w is not null").collectAsList());
      List<Row> written = spark.read().parquet(output).collectAsList();
      assertFalse(written.isEmpty());
      for (Row row : written) {
        long id = row.getLong(0);
        double error = Float64Reference.relativeError(Float64Reference.evaluate(
            weights.get(row.getString(1)), OutputRows.floats(vectors.get(id).getList(1))),
            OutputRows.floats(row.getList(4)), 0);
        assertTrue(error <= Float64Reference.RELATIVE_TOLERANCE, "id " + id + ": " + error);
      }
    } finally {
      spark.stop();
    }
  }

  private static List<Long> ids(List<Row> rows) {
    return rows.stream().map(r -> r.getLong(0)).toList();
  }
}
