package io.hypernet.table;

/**
 * What a commit made: the table's new snapshot (Iceberg's snapshot id, Delta's version), and the
 * files and rows it added.
 */
public record TableCommit(String table, long commitId, int filesAdded, long rowsAdded) {}
