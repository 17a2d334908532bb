package io.hypernet.parquet;

import java.io.Serializable;

/**
 * The Parquet field ids of the output columns, as a table format assigns them (Iceberg maps
 * columns by id, not by name); {@code wElement} is the id of W's list element. Serializable:
 * the writing tasks carry it.
 */
public record FieldIds(int id, int configId, int n, int d, int w, int wElement)
    implements Serializable {}
