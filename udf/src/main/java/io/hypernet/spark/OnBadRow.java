package io.hypernet.spark;

/**
 * What the pass-through form ({@link Hypernets#withW}) does with a row that cannot be
 * reconciled (docs/output.md, "Rejects", lists the reasons).
 */
public enum OnBadRow {
  /** Kept, with W null and the reason in {@code reason} and {@code reason_detail}. */
  KEEP,
  /** Left out (counted in {@link ReconcileMetrics#rowsRejected()}). */
  DROP,
  /** The task fails with the row's reason, and so does the Spark job. */
  FAIL
}
