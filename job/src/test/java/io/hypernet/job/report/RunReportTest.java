package io.hypernet.job.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hypernet.spark.ReconcileMetrics;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The accounting check: totals and the per-configuration counts must both add up. */
@Tag("spark-independent") // the same on every Spark line: runs on the default one
class RunReportTest {
  private static RunReport report(long in, long written, long rejected,
      Map<String, RunReport.ConfigCounts> perConfig) {
    return RunReport.builder().status("succeeded").application("app", "local[2]", "4.2.0", "2.13.18")
        .paths(List.of("in", "in2/*"), "configs", "out", "out/_rejects")
        .engines("auto", List.of("djl/gpu:0"), Map.of("stage 2", Map.of("djl/gpu:0", 2L)),
            Map.of("stage 2", new ReconcileMetrics.GpuStage(2, List.of("0"), 15, 1)))
        .writing(1024, "bulk/snappy")
        .rows(in, new StagedCounts(written, rejected, Map.of("null_w", rejected), perConfig,
            RunReport.Duplicates.NONE, null))
        .configurations(2, List.of()).durationsMs(Map.of("total", 1L)).build();
  }

  @Test
  void holdsWhenTotalsAndConfigurationsAddUp() {
    RunReport ok = report(10, 7, 3, Map.of("a", new RunReport.ConfigCounts(5, 1),
        "b", new RunReport.ConfigCounts(2, 2)));
    assertTrue(ok.accountingHolds());
    assertEquals(ok, RunReport.fromJson(ok.toJson()));
  }

  /** _report.json's field names are what readers of it already use; input is a list. */
  @Test
  void theJsonFieldNamesAreStable() throws Exception {
    JsonNode json = new ObjectMapper().readTree(report(1, 1, 0,
        Map.of("a", new RunReport.ConfigCounts(1, 0))).toJson());
    List<String> names = new ArrayList<>();
    json.fieldNames().forEachRemaining(names::add);
    assertEquals(List.of("status", "application_id", "master", "spark_version", "scala_version",
        "input", "configs", "output", "rejects", "engine_requested", "engines", "engines_by_stage", "gpu_by_stage",
        "batch_size", "writer", "rows_in", "rows_written", "rows_rejected",
        "rejected_by_reason", "per_config", "duplicates", "configurations", "invalid_configs",
        "durations_ms", "accounting_holds"), names);
    assertEquals("in2/*", json.get("input").get(1).asText());
  }

  @Test
  void aFailureReportSaysWhyAndRoundTrips() throws Exception {
    LastRunReport.Failure failure = LastRunReport.Failure.of(new LastRunReport.Reason(
        "input path /x does not exist", 2), null, List.of("/x"), "/c", "/out");
    JsonNode json = new ObjectMapper().readTree(failure.toJson());
    assertEquals("failed", json.get("status").asText());
    assertEquals(2, json.get("reason").get("exit_code").asInt());
    assertEquals(failure, LastRunReport.Failure.fromJson(failure.toJson()));
    assertEquals(new org.apache.hadoop.fs.Path("/data/W/_last_run/ds=2024-01-01.report.json"),
        LastRunReport.of(new org.apache.hadoop.fs.Path("/data/W/ds=2024-01-01")));
  }

  @Test
  void idsFromTheInputAreBoundedAndTheCountsStillAddUp() {
    String prefix = "k".repeat(1024);
    RunReport huge = report(10, 7, 3, Map.of(prefix + "1".repeat(5000),
        new RunReport.ConfigCounts(5, 1), prefix + "2".repeat(5000),
        new RunReport.ConfigCounts(2, 2)));
    assertEquals(Map.of(prefix + "… (5000 more characters)", new RunReport.ConfigCounts(7, 3)),
        huge.perConfig());
    assertTrue(huge.accountingHolds());
    assertEquals(huge, RunReport.fromJson(huge.toJson()));
    assertEquals(new RunReport.DuplicateKey("c", prefix + "… (1 more characters)", 2),
        new RunReport.DuplicateKey("c", prefix + "9", 2));
  }

  @Test
  void failsWhenARowIsMissingFromTheFiles() {
    assertFalse(report(10, 6, 3, Map.of("a", new RunReport.ConfigCounts(4, 1),
        "b", new RunReport.ConfigCounts(2, 2))).accountingHolds());
  }

  /** The files hold 7 rows but the writing job counted 8 per configuration: not published. */
  @Test
  void failsWhenThePerConfigurationCountsDisagreeWithTheFiles() {
    assertFalse(report(10, 7, 3, Map.of("a", new RunReport.ConfigCounts(6, 1),
        "b", new RunReport.ConfigCounts(2, 2))).accountingHolds());
    assertFalse(report(10, 7, 3, Map.of("a", new RunReport.ConfigCounts(5, 0),
        "b", new RunReport.ConfigCounts(2, 2))).accountingHolds());
  }
}
