"""Times the Python reference sampler (`sampler.sample_reference`, the upstream 1/t rule) on given weights, for
side-by-side comparison with the C# engine (`pipeline bench`, docs/architecture.md §6). Prints one JSON line per
(steps, batch): {"steps", "batch", "seconds", "images_per_s", "forwards", "torch_threads", ...}.

Run it with OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE UNSET (docs/architecture.md §6: these machines set them, which holds
OpenBLAS to AVX2 kernels and roughly halves sgemm throughput; the reference is compared at its best, so unset
both for this command only, never for tests or CI):

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE PYTHONPATH=training /usr/bin/python3 \
        -m pipeline_training.bench_reference --checkpoint training/runs/emoji32/denoiser.pt --steps 64 --batch 16

Weights (one of):
  --checkpoint PATH   a training checkpoint (denoiser.pt: config + EMA weights; `model` if it has no EMA)
  --pack DIR          a model pack: the denoiser architecture is read from manifest.json
                      (provenance.architecture.denoiser) and built with random weights, unless --checkpoint
                      is also given (its config must then match the manifest)
  --paper-random      Transformer(DenoiserConfig.paper()) with random weights (24 x 512, 256 tokens, 1024 codes),
                      the architecture of the packs paper_export.py --random-init makes
The reference's time does not depend on weight values: its forwards are dense, and which steps skip the
forward (no row of the batch unmasks anything) depends only on the seed. The JSON reports whether the two
OpenBLAS variables were set, so a table can say under which condition it was measured.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import torch

from .sampler import Counter, sample_reference
from .transformer import DenoiserConfig, Transformer


def load_denoiser(checkpoint: Path | None, pack: Path | None, paper_random: bool, seed: int = 0) -> tuple[Transformer, str]:
    if paper_random:
        if checkpoint or pack:
            raise SystemExit("--paper-random takes no --checkpoint or --pack")
        torch.manual_seed(seed)
        return Transformer(DenoiserConfig.paper()).eval(), "paper architecture, random weights"
    cfg = None
    if pack is not None:
        manifest = json.loads((pack / "manifest.json").read_text())
        arch = manifest.get("provenance", {}).get("architecture", {}).get("denoiser")
        if not arch:
            raise SystemExit(f"{pack / 'manifest.json'} has no provenance.architecture.denoiser")
        cfg = DenoiserConfig(**arch)
    if checkpoint is not None:
        state = torch.load(checkpoint, map_location="cpu")
        ck_cfg = DenoiserConfig(**state["config"])
        if cfg is not None and ck_cfg != cfg:
            raise SystemExit(f"{checkpoint} holds {ck_cfg}, but {pack} was exported from {cfg}")
        model = Transformer(ck_cfg)
        model.load_state_dict(state["ema"] if "ema" in state else state["model"])
        return model.eval(), f"{checkpoint} ({'EMA' if 'ema' in state else 'model'} weights, step {state.get('step')})"
    if cfg is None:
        raise SystemExit("give --checkpoint, --pack or --paper-random")
    torch.manual_seed(seed)
    return Transformer(cfg).eval(), f"{pack} architecture, random weights"


def bench(model: Transformer, steps: int, batch: int, temperature: float = 1.0, seed: int = 0,
          repeats: int = 1, skip_idle: bool = True) -> dict:
    """Best-of-`repeats` wall time of one sample_reference call (after one warm-up forward at this batch)."""
    with torch.no_grad():
        model(torch.full((batch, model.cfg.block_size), model.cfg.codebook_size, dtype=torch.long))
    best, counter = float("inf"), None
    for _ in range(max(1, repeats)):
        c = Counter()
        gen = torch.Generator().manual_seed(seed)
        t0 = time.perf_counter()
        sample_reference(model, batch, steps, temperature, gen, skip_idle=skip_idle, counter=c)
        elapsed = time.perf_counter() - t0
        if elapsed < best:
            best, counter = elapsed, c
    return {"steps": steps, "batch": batch, "seconds": round(best, 6), "images_per_s": round(batch / best, 4),
            "forwards": counter.forwards, "forward_rows": counter.rows}


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--checkpoint", type=Path)
    p.add_argument("--pack", type=Path)
    p.add_argument("--paper-random", action="store_true")
    p.add_argument("--steps", type=int, nargs="+", default=[64])
    p.add_argument("--batch", type=int, nargs="+", default=[1])
    p.add_argument("--temperature", type=float, default=1.0)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--repeats", type=int, default=1, help="report the best of this many runs")
    p.add_argument("--threads", type=int, help="torch intra-op threads (default: torch's own choice)")
    p.add_argument("--no-skip", action="store_true", help="run the forward even in steps where no row changes")
    args = p.parse_args(argv)
    if args.threads:
        torch.set_num_threads(args.threads)
    model, source = load_denoiser(args.checkpoint, args.pack, args.paper_random, args.seed)
    env = {k: os.environ.get(k) for k in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")}
    if any(env.values()):
        print(f"warning: {', '.join(k for k, v in env.items() if v)} set: the reference is not at its best "
              "(run under env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE)", file=sys.stderr)
    for s in args.steps:
        for b in args.batch:
            result = bench(model, s, b, args.temperature, args.seed, args.repeats, skip_idle=not args.no_skip)
            result.update({"order": "reference", "temperature": args.temperature, "seed": args.seed,
                           "torch_threads": torch.get_num_threads(), "tokens": model.cfg.block_size,
                           "codebook_size": model.cfg.codebook_size, "layers": model.cfg.n_layers,
                           "width": model.cfg.n_emb, "weights": source, "skip_idle": not args.no_skip,
                           "openblas_coretype": env["OPENBLAS_CORETYPE"], "openblas_l2_size": env["OPENBLAS_L2_SIZE"]})
            print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
