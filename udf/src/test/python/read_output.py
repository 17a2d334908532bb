"""Reads the bulk writer's Parquet output and the same rows written by Spark's own writer
with pyarrow (whole, and with filters, which prune by statistics), pandas and DuckDB, and
checks that both give the same rows and values and that the bulk files' row-group statistics
hold their values. Exits non-zero with a message on the first mismatch.

Usage: read_output.py KIND BULK_DIR SPARK_DIR [KIND BULK_DIR SPARK_DIR ...]
"""
import glob
import sys

import duckdb
import numpy as np
import pandas as pd
import pyarrow.parquet as pq


def fail(message):
    sys.exit("read_output.py: " + message)


def rows(table):
    """Sorted rows, W as the exact bits of its floats (so -0.0 and 0.0 differ)."""
    columns = table.to_pydict()
    out = []
    for i in range(table.num_rows):
        w = np.asarray(columns["W"][i], dtype=np.float32).view(np.uint32).tolist()
        out.append((repr(columns["id"][i]), columns["config_id"][i], columns["n"][i],
                    columns["D"][i], tuple(w)))
    return sorted(out)


def check_statistics(kind, bulk):
    """Every row group's min/max/null count of id, config_id, n, D (and W where present)."""
    for path in sorted(glob.glob(bulk + "/*.parquet")):
        parquet = pq.ParquetFile(path)
        for g in range(parquet.metadata.num_row_groups):
            values = parquet.read_row_group(g).to_pydict()
            group = parquet.metadata.row_group(g)
            for c in range(group.num_columns):
                column = group.column(c)
                name = column.path_in_schema.split(".")[0]
                column_values = values[name]
                if name == "W":
                    column_values = [v for w in column_values for v in w if v == v]
                stats = column.statistics
                where = "%s %s row group %d column %s" % (kind, path, g, name)
                if stats is None or not stats.has_min_max:
                    if name != "W":
                        fail(where + ": no min/max statistics")
                    continue
                if stats.null_count not in (0, None):
                    fail(where + ": null count %s" % stats.null_count)
                if (stats.min, stats.max) != (min(column_values), max(column_values)):
                    fail(where + ": statistics %r..%r but values %r..%r" % (
                        stats.min, stats.max, min(column_values), max(column_values)))


def check(kind, bulk, oracle):
    expected = pq.read_table(oracle)
    actual = pq.read_table(bulk)
    if rows(actual) != rows(expected):
        fail("%s: pyarrow reads different rows from %s and %s" % (kind, bulk, oracle))
    ids = sorted(expected.column("id").to_pylist())
    a, b = ids[len(ids) // 3], ids[2 * len(ids) // 3]
    filters = [
        [("id", "=", a)], [("id", ">=", b)], [("id", "<", a)], [("id", "in", [a, b])],
        [("config_id", "=", "bb")], [("config_id", "=", "zz")], [("n", "=", 4)],
        [("id", ">", a), ("D", "=", 3)], [[("id", "=", a)], [("n", "=", 1)]],
    ]
    for f in filters:
        want = rows(pq.read_table(oracle, filters=f))
        got = rows(pq.read_table(bulk, filters=f))
        if got != want:
            fail("%s: pyarrow filter %r gives %d rows from the bulk files, %d from Spark's"
                 % (kind, f, len(got), len(want)))
        if f[0][0] == "id" and f[0][1] == "=" and not got:
            fail("%s: pyarrow filter %r selects nothing" % (kind, f))

    key = ["config_id", "id"]
    want = pd.read_parquet(oracle).sort_values(key, ignore_index=True)
    got = pd.read_parquet(bulk).sort_values(key, ignore_index=True)
    if not got[["id", "config_id", "n", "D"]].equals(want[["id", "config_id", "n", "D"]]):
        fail("%s: pandas reads different id, config_id, n or D" % kind)
    for i, (w_got, w_want) in enumerate(zip(got["W"], want["W"])):
        if not np.array_equal(np.asarray(w_got, np.float32).view(np.uint32),
                              np.asarray(w_want, np.float32).view(np.uint32)):
            fail("%s: pandas reads a different W in row %d" % (kind, i))

    query = "SELECT count(*) FROM read_parquet('%s/*.parquet') WHERE id = ?"
    counts = [duckdb.execute(query % d, [a]).fetchone()[0] for d in (bulk, oracle)]
    if counts[0] != counts[1] or counts[0] == 0:
        fail("%s: DuckDB counts %r rows with id = %r (bulk, Spark)" % (kind, counts, a))

    check_statistics(kind, bulk)


def main(args):
    if not args or len(args) % 3:
        fail("usage: read_output.py KIND BULK_DIR SPARK_DIR [...]")
    for i in range(0, len(args), 3):
        check(*args[i:i + 3])
    print("read_output.py: %d dataset(s) read identically" % (len(args) // 3))


if __name__ == "__main__":
    main(sys.argv[1:])
