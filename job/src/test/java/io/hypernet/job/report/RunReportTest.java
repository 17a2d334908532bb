package io.hypernet.job.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hypernet.spark.ReconcileMetrics;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The accounting check: totals and the per-configuration counts must both add up. */
class RunReportTest {
  private static RunReport report(long in, long written, long rejected,
      Map<String, RunReport.ConfigCounts> perConfig) {
    return new RunReport("succeeded", "app", "local[2]", "in", "configs", "out", "out/_rejects",
        "auto", List.of("djl/gpu:0"), Map.of("stage 2", Map.of("djl/gpu:0", 2L)),
        Map.of("stage 2", new ReconcileMetrics.GpuStage(2, List.of("0"), 15, 1)), 1024,
        "bulk/snappy", in, written, rejected,
        Map.of("null_w", rejected), perConfig, RunReport.Duplicates.NONE, 2, List.of(),
        Map.of("total", 1L));
  }

  @Test
  void holdsWhenTotalsAndConfigurationsAddUp() {
    RunReport ok = report(10, 7, 3, Map.of("a", new RunReport.ConfigCounts(5, 1),
        "b", new RunReport.ConfigCounts(2, 2)));
    assertTrue(ok.accountingHolds());
    assertEquals(ok, RunReport.fromJson(ok.toJson()));
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
