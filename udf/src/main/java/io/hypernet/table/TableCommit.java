package io.hypernet.table;

/** What a commit made: the snapshot, and the files and rows it added. */
public record TableCommit(String table, long snapshotId, int filesAdded, long rowsAdded) {}
