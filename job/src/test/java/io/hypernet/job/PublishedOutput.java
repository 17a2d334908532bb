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
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** Checks on a published output after runs whose tasks were retried or speculated. */
final class PublishedOutput {
  private PublishedOutput() {}

  /**
   * Every input id is written or rejected exactly once; the output holds one part file per input
   * partition, {@code _SUCCESS}, and no temporary file; the report's accounting holds. Paths are
   * local or any Hadoop filesystem's URIs.
   */
  static RunReport assertEveryRowOnce(String input, String output, int partitions)
      throws IOException {
    Path root = new Path(output);
    FileSystem fs = root.getFileSystem(new Configuration());
    RunReport report;
    try (FSDataInputStream in = fs.open(new Path(root, "_report.json"))) {
      report = RunReport.fromJson(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
    assertTrue(report.accountingHolds(), report.toJson());
    assertTrue(fs.exists(new Path(root, "_SUCCESS")));
    String prefix = fs.makeQualified(root).toString() + "/";
    List<String> names = new ArrayList<>();
    RemoteIterator<LocatedFileStatus> files = fs.listFiles(root, true);
    while (files.hasNext()) {
      names.add(files.next().getPath().toString().substring(prefix.length()));
    }
    assertTrue(names.stream().noneMatch(n -> n.endsWith(".tmp") || n.contains("_temporary")),
        "temporary files left: " + names);
    assertEquals(partitions, names.stream()
        .filter(n -> n.startsWith("part-") && n.endsWith(".parquet")).count(), "" + names);
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
    return report;
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
