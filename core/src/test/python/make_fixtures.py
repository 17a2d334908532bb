"""Writes the PyTorch parity fixtures under core/src/test/resources/torch/: tinyBIG-equivalent
hypernets built by real PyTorch, their state dicts as safetensors in F32, F64, F16 and BF16, a
few w vectors and PyTorch's W for each, and cases.json describing them. The Java tests
(io.hypernet.testing.TorchFixtures and its users) compare the project's W with these.

It runs at fixture-making time only, never in the tests or CI; the files it writes are committed.
To rerun it (from the repository root, on Debian):

    apt-get install python3-torch        # torch 1.13, with numpy
    /usr/bin/python3 -m pip install --break-system-packages \
        --index-url file:///opt/pypi/simple safetensors
    /usr/bin/python3 core/src/test/python/make_fixtures.py

It also reruns itself with ATEN_CPU_CAPABILITY=default, which makes ATen skip its AVX2 kernels,
to save the same nets' F32 state dicts as <case>.default-cpu.F32.safetensors: what PyTorch
draws on a CPU without AVX2 (normal_'s scalar libm Box-Muller instead of the vectorised one).
"""
import copy
import inspect
import json
import os
import subprocess
import sys

import numpy as np
import safetensors
import torch
from safetensors.torch import load_file, save_file
from torch import nn

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "resources", "torch")
ROWS = 6

# name, l, hidden_dim, n, D, activation, seed
CASES = [
    ("default", 64, 128, 8, 16, "none", 0),  # tinyBIG's defaults
    ("sigmoid_tail", 10, 32, 3, 7, "sigmoid", 42),  # n·D = 21, not a multiple of 16
    ("tiny", 3, 8, 2, 5, "sigmoid", -1),  # tensors under 16 elements: ATen's scalar normal_
    ("wide_seed", 5, 20, 4, 4, "none", 2**40 + 7),  # torch keeps only the seed's low 32 bits
]

DTYPES = {"F32": torch.float32, "F64": torch.float64, "F16": torch.float16,
          "BF16": torch.bfloat16}

W_RECIPES = {
    "F32": "the net in float32 on w",
    "F64": "the net converted to float64 (exact) on w converted to float64",
    "F16": "the net's parameters rounded to float16, then computed in float32 on w",
    "BF16": "the net's parameters rounded to bfloat16, then computed in float32 on w",
}


def build_hypernet(l, hidden_dim, n, D, activation, seed):
    torch.manual_seed(seed)
    layers = [nn.Linear(l, hidden_dim)]
    if activation == "sigmoid":
        layers.append(nn.Sigmoid())
    layers.append(nn.Linear(hidden_dim, n * D))
    net = nn.Sequential(*layers)
    for p in net.parameters():
        torch.nn.init.normal_(p)
    return net


def w_vectors(index, l):
    return np.random.default_rng(index).standard_normal((ROWS, l), dtype=np.float32)


def cpu_capability():
    for line in torch.__config__.show().splitlines():
        if "CPU capability usage:" in line:
            return line.split(":", 1)[1].strip()
    return "unknown"


def state_dict(net, dtype):
    return {k: v.detach().to(dtype).contiguous() for k, v in net.state_dict().items()}


def forward(net, w, dtype):
    """W of `net` with parameters rounded to `dtype`, as W_RECIPES describes."""
    rounded = copy.deepcopy(net)
    with torch.no_grad():
        for p in rounded.parameters():
            p.copy_(p.to(dtype).to(torch.float32))
        x = torch.from_numpy(w)
        if dtype == torch.float64:
            return rounded.double()(x.double())
        return rounded(x)


def write_default_cpu():
    """The F32 state dicts as ATen's scalar (non-AVX2) kernels draw them."""
    for name, l, hidden, n, d, activation, seed in CASES:
        net = build_hypernet(l, hidden, n, d, activation, seed)
        save_file(state_dict(net, torch.float32),
                  os.path.join(OUT, name + ".default-cpu.F32.safetensors"))
    print(cpu_capability())


def compare(avx2_file, default_file):
    """How many parameters the non-AVX2 draw changes, and by how much at most."""
    avx2 = load_file(os.path.join(OUT, avx2_file))
    default = load_file(os.path.join(OUT, default_file))
    differing = sum(int((avx2[k] != default[k]).sum()) for k in avx2)
    largest = max(float((avx2[k] - default[k]).abs().max()) for k in avx2)
    return {"differing_elements": differing, "max_abs_difference": largest}


def main():
    torch.set_num_threads(1)
    if sys.argv[1:] == ["--default-cpu"]:
        write_default_cpu()
        return
    os.makedirs(OUT, exist_ok=True)
    manifest = {
        "torch": torch.__version__,
        "cpu_capability": cpu_capability(),
        "numpy": np.__version__,
        "safetensors": safetensors.__version__,
        "recipe": inspect.getsource(build_hypernet),
        "w": "numpy.random.default_rng(<case index>).standard_normal((%d, l), "
             "dtype=numpy.float32)" % ROWS,
        "W": W_RECIPES,
        "cases": [],
    }
    for index, (name, l, hidden, n, d, activation, seed) in enumerate(CASES):
        net = build_hypernet(l, hidden, n, d, activation, seed)
        if seed >= 2**32:
            low = build_hypernet(l, hidden, n, d, activation, seed % 2**32)
            assert all(torch.equal(a, b) for a, b in zip(net.parameters(), low.parameters()))
        w = w_vectors(index, l)
        io = {"w": torch.from_numpy(w)}
        files = {}
        for label, dtype in DTYPES.items():
            files[label] = "%s.%s.safetensors" % (name, label)
            save_file(state_dict(net, dtype), os.path.join(OUT, files[label]))
            io["W_" + label] = forward(net, w, dtype).detach().reshape(ROWS, n, d).contiguous()
        files["io"] = name + ".io.safetensors"
        files["default_cpu_F32"] = name + ".default-cpu.F32.safetensors"
        save_file(io, os.path.join(OUT, files["io"]))
        manifest["cases"].append({"name": name, "seed": seed, "l": l, "n": n, "D": d,
                                  "hidden_dim": hidden, "activation": activation,
                                  "rows": ROWS, "files": files})
    run = subprocess.run([sys.executable, os.path.abspath(__file__), "--default-cpu"],
                         env=dict(os.environ, ATEN_CPU_CAPABILITY="default"), check=True,
                         capture_output=True, text=True)
    manifest["default_cpu_capability"] = run.stdout.strip()
    for case in manifest["cases"]:
        case["default_cpu_vs_F32"] = compare(case["files"]["F32"], case["files"]["default_cpu_F32"])
    with open(os.path.join(OUT, "cases.json"), "w") as f:
        json.dump(manifest, f, indent=2)
        f.write("\n")


if __name__ == "__main__":
    main()
