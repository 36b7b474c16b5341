#!/usr/bin/env python3
"""The seed's GoogLeNet (32x32 input, model/Architecture.java's table) on a CUDA GPU in PyTorch:
images/s per precision (fp32, tf32, bf16), batch size and CUDA graphs on/off, written as JSON.

This is a ceiling for the GPU route (what the network alone can do on the card), not a measure of
the worker. Nothing in the project depends on it.

    python3 scripts/gpu_ceiling.py --out gpu_ceiling.json       # needs torch with CUDA and a GPU
    python3 scripts/gpu_ceiling.py --cpu-smoke                  # tiny CPU run: checks the script

Exits 2 with a message when torch or a CUDA GPU is missing. A full run takes about 1-3 minutes and
stops measuring at --budget-s (default 240 s), so it always ends in under 5 minutes.
"""

import argparse
import json
import sys
import time

# (name, in, n1, r3, n3, r5, n5, pool) as in model/Architecture.java; max-pool 3x3/2 after b3, e4.
MODULES = [
    ("a3", 192, 64, 96, 128, 16, 32, 32),
    ("b3", 256, 128, 128, 192, 32, 96, 64),
    ("a4", 480, 192, 96, 208, 16, 48, 64),
    ("b4", 512, 160, 112, 224, 24, 64, 64),
    ("c4", 512, 128, 128, 256, 24, 64, 64),
    ("d4", 512, 112, 144, 288, 32, 64, 64),
    ("e4", 528, 256, 160, 320, 32, 128, 128),
    ("a5", 832, 256, 160, 320, 32, 128, 128),
    ("b5", 832, 384, 192, 384, 48, 128, 128),
]
POOL_AFTER = ("b3", "e4")
STEM = 192
BATCHES = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024]


def build(torch, classes):
    nn = torch.nn

    def cbr(cin, cout, k):
        return nn.Sequential(
            nn.Conv2d(cin, cout, k, padding=k // 2), nn.BatchNorm2d(cout), nn.ReLU(inplace=True)
        )

    class Inception(nn.Module):
        def __init__(self, cin, n1, r3, n3, r5, n5, pool):
            super().__init__()
            self.b1 = cbr(cin, n1, 1)
            self.b2 = nn.Sequential(cbr(cin, r3, 1), cbr(r3, n3, 3))
            # The seed's "5x5" branch is two stacked 3x3 convolutions.
            self.b3 = nn.Sequential(cbr(cin, r5, 1), cbr(r5, n5, 3), cbr(n5, n5, 3))
            self.b4 = nn.Sequential(nn.MaxPool2d(3, 1, 1), cbr(cin, pool, 1))

        def forward(self, x):
            return torch.cat([self.b1(x), self.b2(x), self.b3(x), self.b4(x)], 1)

    layers = [cbr(3, STEM, 3)]
    for name, *spec in MODULES:
        layers.append(Inception(*spec))
        if name in POOL_AFTER:
            layers.append(nn.MaxPool2d(3, 2, 1))
    layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(1024, classes)]
    return nn.Sequential(*layers)


def measure(torch, model, device, dtype, batch, graphs, min_seconds, sync):
    x = torch.randn(batch, 3, 32, 32, device=device, dtype=dtype)
    with torch.inference_mode():
        for _ in range(3):
            model(x)
        sync()
        step = lambda: model(x)  # noqa: E731
        if graphs:
            stream = torch.cuda.Stream()
            stream.wait_stream(torch.cuda.current_stream())
            with torch.cuda.stream(stream):
                for _ in range(3):
                    model(x)
            torch.cuda.current_stream().wait_stream(stream)
            graph = torch.cuda.CUDAGraph()
            with torch.cuda.graph(graph):
                model(x)
            step = graph.replay
        sync()
        iterations, start = 0, time.perf_counter()
        while True:
            step()
            iterations += 1
            if iterations % 5 == 0:
                sync()
                elapsed = time.perf_counter() - start
                if elapsed >= min_seconds:
                    break
    return batch * iterations / elapsed, elapsed / iterations * 1000


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--out", default="gpu_ceiling.json", help="JSON file to write")
    p.add_argument("--classes", type=int, default=10)
    p.add_argument("--min-seconds", type=float, default=0.5, help="timed seconds per config")
    p.add_argument("--budget-s", type=float, default=240, help="stop starting configs after this")
    p.add_argument("--cpu-smoke", action="store_true", help="fp32, batch 1 and 2, on the CPU")
    a = p.parse_args()
    try:
        import torch
    except ImportError:
        print("gpu_ceiling: PyTorch is not installed (pip install torch)", file=sys.stderr)
        return 2
    if a.cpu_smoke:
        device, precisions, batches, graph_modes = "cpu", ["fp32"], [1, 2], [False]
        sync = lambda: None  # noqa: E731
        a.min_seconds = min(a.min_seconds, 0.2)
    else:
        if not torch.cuda.is_available():
            print("gpu_ceiling: no CUDA GPU visible to PyTorch; nothing measured", file=sys.stderr)
            return 2
        device, precisions, batches, graph_modes = "cuda", ["fp32", "tf32", "bf16"], BATCHES, [False, True]
        sync = torch.cuda.synchronize
    started = time.perf_counter()
    results, skipped = [], []
    for precision in precisions:
        if device == "cuda":
            torch.backends.cuda.matmul.allow_tf32 = precision == "tf32"
            torch.backends.cudnn.allow_tf32 = precision == "tf32"
            torch.backends.cudnn.benchmark = True
        dtype = torch.bfloat16 if precision == "bf16" else torch.float32
        model = build(torch, a.classes).eval().to(device=device, dtype=dtype)
        for graphs in graph_modes:
            for batch in batches:
                config = {"precision": precision, "batch": batch, "cuda_graphs": graphs}
                if time.perf_counter() - started > a.budget_s:
                    skipped.append(config)
                    continue
                try:
                    ips, ms = measure(torch, model, device, dtype, batch, graphs, a.min_seconds, sync)
                except RuntimeError as e:  # out of memory, capture failure: record and go on
                    results.append({**config, "error": str(e).splitlines()[0]})
                    if device == "cuda":
                        torch.cuda.empty_cache()
                    continue
                results.append({**config, "images_per_s": round(ips, 1), "ms_per_batch": round(ms, 3)})
                print(f"{precision:5} graphs={graphs!s:5} batch {batch:5}: {ips:12.1f} images/s", flush=True)
    report = {
        "network": "googlenet-seed-32",
        "device": torch.cuda.get_device_name(0) if device == "cuda" else "cpu (smoke)",
        "torch": torch.__version__,
        "cuda": torch.version.cuda,
        "seconds": round(time.perf_counter() - started, 1),
        "results": results,
        "skipped_over_budget": skipped,
    }
    with open(a.out, "w") as f:
        json.dump(report, f, indent=2)
    print(f"wrote {a.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
