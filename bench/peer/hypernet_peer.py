"""The script a PyTorch user writes instead of the job (BENCHMARKS.md, "Against the script").

pyarrow reads w in 1,024-row batches; PyTorch builds tinyBIG's hypernet per configuration,
nn.Sequential(Linear(l, hidden), [Sigmoid()], Linear(hidden, n*D)) after torch.manual_seed,
and computes W on the CPU; pyarrow's ParquetWriter writes id, config_id, n, D, W (W
uncompressed, the keys snappy). Usage:
  python3 hypernet_peer.py INPUT_DIR CONFIGS_DIR OUTPUT_FILE [--threads N] [--batch ROWS]
"""
import argparse
import warnings

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds
import pyarrow.parquet as pq
import torch
from torch import nn


def hypernet(config):
    torch.manual_seed(config["seed"] & 0xFFFFFFFF)
    layers = [nn.Linear(config["l"], config["hidden_dim"])]
    if config["activation"] == "sigmoid":
        layers.append(nn.Sigmoid())
    layers.append(nn.Linear(config["hidden_dim"], config["n"] * config["D"]))
    return nn.Sequential(*layers).eval()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("input")
    parser.add_argument("configs")
    parser.add_argument("output")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--batch", type=int, default=1024)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    # w comes zero-copy from Arrow, read-only; the net only reads it.
    warnings.filterwarnings("ignore", message="The given NumPy array is not writable")

    configs = {c["config_id"]: c for c in pq.read_table(args.configs).to_pylist()}
    nets = {key: hypernet(c) for key, c in configs.items()}
    schema = pa.schema([("id", pa.int64(), False), ("config_id", pa.string(), False),
                        ("n", pa.int32(), False), ("D", pa.int32(), False),
                        ("W", pa.list_(pa.field("element", pa.float32(), False)), False)])
    rows = 0
    with pq.ParquetWriter(args.output, schema, compression={
            "id": "snappy", "config_id": "snappy", "n": "snappy", "D": "snappy",
            "W": "none"}) as writer, torch.no_grad():
        for batch in ds.dataset(args.input, format="parquet").to_batches(
                columns=["id", "config_id", "w"], batch_size=args.batch):
            for key in pc.unique(batch.column("config_id")).to_pylist():
                part = batch.filter(pc.equal(batch.column("config_id"), key))
                config = configs[key]
                w = part.column("w").flatten().to_numpy().reshape(-1, config["l"])
                out = nets[key](torch.from_numpy(w)).numpy().reshape(-1)
                size = config["n"] * config["D"]
                count = part.num_rows
                offsets = pa.array(np.arange(0, (count + 1) * size, size, dtype=np.int32))
                writer.write_batch(pa.record_batch([
                    part.column("id"), part.column("config_id"),
                    pa.array(np.full(count, config["n"], dtype=np.int32)),
                    pa.array(np.full(count, config["D"], dtype=np.int32)),
                    pa.ListArray.from_arrays(offsets, pa.array(out)).cast(schema.field("W").type),
                ], schema=schema))
                rows += count
    print(f"{rows} rows written to {args.output}")


if __name__ == "__main__":
    main()
