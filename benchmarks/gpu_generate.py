"""Tokens per second of constrained generation, teacher-forced: does the rewrite run as fast as
no constraint at all?

    python benchmarks/gpu_generate.py [--device cuda|cpu] [--shape 7b|small|tiny]
        [--backend transformers|exllamav2] [--runs 3] [--out FILE]

A Llama with random weights (7B-shaped, fp16 on a GPU; ``small`` fp32 on a CPU) over the
bundled Mistral v1 tokenizer generates, for the seed sample and for its rewrite, a realistic
valid instance (``generate_instance``) token by token: each path is fed to the model while the
filter runs every step (teacher forcing), so the constrained and unconstrained runs emit the
same tokens and differ only by the enforcer's cost. Unconstrained runs the same path with no
filter. The filter overlaps the model step (it runs in a worker process while the model
computes), as exllamav2's background filter does.

The goal is ``rewritten >= 0.9 x unconstrained``. Prints a table and writes JSON (default
``benchmarks/results/gpu_generate_<device>.json``).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from schemalint.analysis import analyse
from schemalint.config import Settings
from schemalint.generate.random_model import LLAMA_7B, TINY, Shape, random_llama
from schemalint.generate.run import Backend, GenerateSettings, enforced_tokens, teacher_forced
from schemalint.generate.variants import build_variants
from schemalint.lmfe import EnforcerConfig, detect_settings
from schemalint.load.reader import Document, read_document
from schemalint.measure.generator import generate_instance
from schemalint.measure.probe import percentile
from schemalint.measure.serialise import serialise
from schemalint.tokenizers import load_tokenizer

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "samples" / "function_calling_seed.json"
SHAPES = {
    "7b": LLAMA_7B,
    "small": Shape(hidden=512, layers=4, intermediate=1376, heads=8, kv_heads=8),
    "tiny": TINY,
}


def _backend(name: str, shape: Shape, device: str) -> Backend:
    model = random_llama(shape, device=device, half=device == "cuda")
    if name == "exllamav2":
        from schemalint.generate.exl2 import ExLlamaV2Backend
        from schemalint.generate.random_model import save_with_tokenizer

        folder = Path(tempfile.mkdtemp(prefix="schemalint-gpu-"))
        save_with_tokenizer(model, folder)
        del model
        return ExLlamaV2Backend(folder)
    from schemalint.generate.hf import TransformersBackend

    return TransformersBackend(model, load_tokenizer())


def _device_name(device: str) -> str:
    if device == "cuda":
        import torch

        return str(torch.cuda.get_device_name(0))
    return f"{platform.processor() or platform.machine()} CPU, {os.cpu_count()} cores"


def _timed(backend: Backend, schema: Any, tokens: list[int], settings: GenerateSettings) -> Any:
    generation = teacher_forced(backend, schema, tokens, settings)
    if generation.stop != "forced":
        sys.exit(f"the forced path stopped early: {generation.stop}: {generation.detail}")
    return generation


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", choices=("cuda", "cpu"), default="cuda")
    parser.add_argument("--shape", choices=tuple(SHAPES), default=None)
    parser.add_argument("--backend", choices=("transformers", "exllamav2"), default="transformers")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    shape_name = args.shape or ("7b" if args.device == "cuda" else "small")
    started = time.perf_counter()
    backend = _backend(args.backend, SHAPES[shape_name], args.device)
    print(f"model ready in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    settings = GenerateSettings(
        prompt="Plan my trip to Lisbon next week and tell the team.",
        token_budget=30.0,
        time_budget=600.0,
        config=EnforcerConfig(),  # LMFE's defaults: the path is forced, whitespace can't run away
    )
    document = read_document(SEED)
    assert isinstance(document, Document)
    variants = build_variants(document, ("original", "rewritten"), Settings(), False)
    rows = []
    for variant in variants:
        text, _ = serialise(generate_instance(analyse(variant.schema, detect_settings()), 0))
        tokens = enforced_tokens(backend, variant.schema, text, settings)
        _timed(backend, None, tokens[:8], settings)  # warm-up: kernels, caches
        free, constrained = [], []
        for _ in range(args.runs):  # alternate, so drift hits both alike
            free.append(_timed(backend, None, tokens, settings))
            constrained.append(_timed(backend, variant.schema, tokens, settings))
        filter_ms = [ms for run in constrained for ms in run.filter_ms]
        model_ms = [ms for run in free for ms in run.model_ms]
        rows.append(
            {
                "path": variant.name,
                "tokens": len(tokens),
                "unconstrained_tps": statistics.median(r.tokens_per_second for r in free),
                "constrained_tps": statistics.median(r.tokens_per_second for r in constrained),
                "model_ms_p50": statistics.median(model_ms),
                "filter_ms_p50": statistics.median(filter_ms),
                "filter_ms_p95": percentile(filter_ms, 95),
                "filter_ms_max": max(filter_ms),
            }
        )
    for row in rows:
        row["ratio"] = row["constrained_tps"] / row["unconstrained_tps"]
    header = f"{'path':<10} {'tokens':>6} {'free tok/s':>10} {'constr tok/s':>12} {'ratio':>6}"
    print(f"{backend.name} on {_device_name(args.device)}, {shape_name} random Llama")
    print(header + f" {'model p50':>9} {'filter p50/p95/max ms':>22}")
    for row in rows:
        print(
            f"{row['path']:<10} {row['tokens']:>6} {row['unconstrained_tps']:>10.1f} "
            f"{row['constrained_tps']:>12.1f} {row['ratio']:>6.2f} {row['model_ms_p50']:>9.2f} "
            f"{row['filter_ms_p50']:>8.2f} / {row['filter_ms_p95']:.2f}"
            f" / {row['filter_ms_max']:.1f}"
        )
    out = args.out or ROOT / "benchmarks" / "results" / f"gpu_generate_{args.device}.json"
    result = {
        "device": _device_name(args.device),
        "backend": backend.name,
        "shape": shape_name,
        "runs": args.runs,
        "lmfe_settings": vars(settings.config),
        "rows": [
            {k: round(v, 3) if isinstance(v, float) else v for k, v in r.items()} for r in rows
        ],
    }
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"wrote {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
