"""Builds the tiny random-weight model pack committed at tests/fixtures/tiny-pack/ (C# parity tests).

    PYTHONPATH=training python3 -m pipeline_training.make_test_pack [--out tests/fixtures/tiny-pack]

16x16 RGB images -> 8x8 = 64 tokens, codebook 32 (MASK = 32), 2-layer x 32 denoiser, and its int8 variant
(denoiser.int8.onnx, graphs.denoiserInt8; quantize.py) so the C# tests exercise the int8 path cheaply. Fixed seed, so the
weights (and golden vectors) are reproducible with the same PyTorch build. The codebook is re-seeded from
encoder outputs of random images (as the trainer's dead-code restarts do), so the random encoder maps
images to many different codes rather than one.
"""
from __future__ import annotations

import argparse
from pathlib import Path

import torch
import torch.nn.functional as F

from .export import export_pack, verify_pack
from .golden import GoldenInputs, select_by_margin, standard_grids
from .transformer import DenoiserConfig, Transformer
from .vqgan import VQAutoEncoder, VQGANConfig

SEED = 1234
TINY_VQGAN = VQGANConfig(img_size=16, nf=32, ch_mult=(1, 1), res_blocks=1, codebook_size=32, emb_dim=8)
TINY_DENOISER = DenoiserConfig(codebook_size=32, block_size=64, n_layers=2, n_emb=32, n_head=4)
CREATED_AT = "2025-01-01T00:00:00Z"  # fixed so regenerating the fixture does not churn the manifest


def smooth_images(n: int, size: int, gen: torch.Generator) -> torch.Tensor:
    """Random smooth RGB images in [0, 1]: 4x4 noise upsampled bilinearly, plus a little pixel noise."""
    coarse = torch.rand(n, 3, 4, 4, generator=gen)
    img = F.interpolate(coarse, size=(size, size), mode="bilinear", align_corners=False)
    return (img + 0.05 * torch.rand(n, 3, size, size, generator=gen)).clamp(0, 1)


def build_tiny_models(seed: int = SEED, vq_cfg: VQGANConfig = TINY_VQGAN,
                      dn_cfg: DenoiserConfig = TINY_DENOISER) -> tuple[VQAutoEncoder, Transformer, torch.Generator]:
    torch.manual_seed(seed)
    vq = VQAutoEncoder(vq_cfg).eval()
    dn = Transformer(dn_cfg).eval()
    gen = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        # pos_emb starts at zero in the reference; give it values so position handling is exercised
        dn.pos_emb.normal_(0.0, 0.02, generator=gen)
        # a larger head than the 0.02 init so logits are O(1): parity tolerances then mean something
        dn.head.weight.normal_(0.0, 0.3, generator=gen)
        z = vq.encoder(smooth_images(16, vq_cfg.img_size, gen))
        flat = z.permute(0, 2, 3, 1).reshape(-1, z.shape[1])
        pick = torch.randperm(flat.shape[0], generator=gen)[: vq_cfg.codebook_size]
        vq.quantize.embedding.weight.copy_(flat[pick] + 0.01 * torch.randn(len(pick), flat.shape[1], generator=gen))
    return vq, dn, gen


def tiny_golden_inputs(vq: VQAutoEncoder, gen: torch.Generator, k: int = 4, pool: int = 32) -> GoldenInputs:
    candidates = smooth_images(pool, vq.cfg.img_size, gen)
    picked = select_by_margin(vq, candidates, k)
    images = candidates[picked]
    with torch.no_grad():
        ids = vq.encode_ids(images)
    grids = standard_grids(ids, ids.shape[1], vq.cfg.codebook_size)
    return GoldenInputs(images, grids, notes={
        "encoderImages": f"random smooth images (seed {SEED}), {k} of {pool} with the largest nearest-code margin",
        "denoiserRows": "row 1 = encoder golden image 0's tokens half masked; row 2 = image 1's tokens"})


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", type=Path, default=Path("tests/fixtures/tiny-pack"))
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--no-int8", action="store_true", help="leave out the int8 denoiser")
    args = p.parse_args(argv)
    torch.set_num_threads(args.threads)
    vq, dn, gen = build_tiny_models()
    golden = tiny_golden_inputs(vq, gen)
    fields = {
        "name": "tiny-test",
        "version": "0.0.1",
        "description": "Tiny random-weight pack for tests (16x16 images, 8x8 tokens, codebook 32). Outputs are meaningless.",
        "sampling": {"defaultSteps": 8, "minSteps": 2, "maxSteps": 64, "defaultTemperature": 1.0, "defaultOrder": "reference"},
        "provenance": {
            "dataset": "none (random initialisation)",
            "trainingSteps": {"vqgan": 0, "denoiser": 0},
            "sourceCheckpoint": f"random init, seed {SEED} (training/pipeline_training/make_test_pack.py)",
            "exporter": "training/pipeline_training/make_test_pack.py via export.export_pack",
            "createdAt": CREATED_AT,
        },
        "license": {"weights": "CC0-1.0", "attribution": []},
    }
    export_pack(vq, dn, args.out, fields, golden, int8=not args.no_int8)
    verify_pack(args.out)
    total = sum(f.stat().st_size for f in args.out.rglob("*") if f.is_file())
    print(f"wrote {args.out} ({total / 1e3:.0f} kB)")


if __name__ == "__main__":
    main()
