package io.hypernet.spark;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The two lazily evaluated results of a reconciliation; every input row lands in exactly one.
 *
 * @param reconciled {@code id, config_id, n, D, W} (SPEC §5)
 * @param rejected the input columns plus {@code reason} and {@code reason_detail}
 * @param metrics engines used and rows computed, filled in as the datasets are evaluated
 */
public record Reconciliation(Dataset<Row> reconciled, Dataset<Row> rejected,
    ReconcileMetrics metrics) {}
