"""Converts released Unleashing Transformers checkpoints into a model pack (paper architecture, 256 px).

    # real checkpoints the user already has (EMA VQGAN + EMA absorbing model):
    python3 -m pipeline_training.paper_export --vqgan logs/.../vqgan_ema_<step>.th \
        --absorbing logs/.../absorbing_ema_<step>.th --dataset churches --out models/paper-churches \
        [--images a.png b.png]

    # the same conversion on random weights (what the paper-scale benchmarks use):
    python3 -m pipeline_training.paper_export --random-init --out models/paper-random

Key mapping. `vqgan_ema_<step>.th` is the state dict of the reference `VQGAN` (ae + disc + perceptual):
keys `ae.*` are the autoencoder, everything else (`disc.*`, `perceptual.*`) and the ELBO-only head
`ae.generator.logsigma.*` (absent in the released files, present if one was fine-tuned) is training-only and
dropped. `absorbing_ema_<step>.th` is the state dict of `AbsorbingDiffusion`: keys `_denoise_fn.*` are the
transformer; its buffers `Lt_history`, `Lt_count`, `loss_history` are training statistics and dropped.
The stripped dicts must then load *strictly* into vqgan.VQAutoEncoder and transformer.Transformer, whose
module names are the reference's: any missing, unexpected or mis-shaped key fails the conversion with a list.

`--random-init` builds the paper architecture with random weights, saves them under the upstream key names
(with the prefixes and a sample of the training-only keys) into a temp folder and runs the very same
conversion on those files: that is the proof that the key mapping works.

Golden vectors (1-2 images, 2 grids) are written as for every pack; the ONNX-vs-PyTorch comparison itself is
done by the C# PackVerifier (no ONNX runtime for Python here).
"""
from __future__ import annotations

import argparse
import re
import tempfile
from dataclasses import asdict, replace
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from .export import export_pack, verify_pack
from .golden import GoldenInputs, select_by_margin
from .transformer import DenoiserConfig, Transformer
from .vqgan import VQAutoEncoder, VQGANConfig

VQGAN_PREFIX = "ae."
DENOISER_PREFIX = "_denoise_fn."
# training-only parts of the reference checkpoints; the serving graphs never use them
VQGAN_DROPPED_PREFIXES = ("disc.", "perceptual.", "ae.generator.logsigma.")
DENOISER_DROPPED_KEYS = ("Lt_history", "Lt_count", "loss_history", "embedding_weight")

PAPER_NOTICE = """\
{name} model pack: NOTICE

Converted from Unleashing Transformers checkpoints (Bond-Taylor, Hessey, Sasaki, Breckon, Willcocks,
"Unleashing Transformers: Parallel Token Prediction with Discrete Absorbing Diffusion for Fast
High-Resolution Image Generation from Vector-Quantized Codes", ECCV 2022).
Reference code: https://github.com/samb-t/unleashing-transformers (MIT License,
Copyright (c) 2021 Sam Bond-Taylor and Peter Hessey).

Source checkpoints: {sources}
{weights_note}
"""


class KeyMappingError(ValueError):
    pass


# --------------------------------------------------------------------------------------------- key mapping

def _unwrap(obj) -> dict:
    """Accepts a plain state dict, or a dict holding one under a usual key."""
    if isinstance(obj, dict) and obj and all(isinstance(v, torch.Tensor) for v in obj.values()):
        return obj
    for key in ("state_dict", "model", "ema"):
        if isinstance(obj, dict) and isinstance(obj.get(key), dict):
            return _unwrap(obj[key])
    raise KeyMappingError(f"not a state dict: top-level keys {list(obj)[:10] if isinstance(obj, dict) else type(obj)}")


def strip_keys(state: dict, prefix: str, dropped_prefixes=(), dropped_keys=()) -> tuple[dict, list[str], list[str]]:
    """-> (kept dict with `prefix` removed, dropped training-only keys, foreign keys that fit no rule)."""
    kept, dropped, foreign = {}, [], []
    for key, value in state.items():
        if key in dropped_keys or any(key.startswith(p) for p in dropped_prefixes):
            dropped.append(key)
        elif key.startswith(prefix):
            kept[key[len(prefix):]] = value
        else:
            foreign.append(key)
    return kept, dropped, foreign


def load_strict(model: torch.nn.Module, state: dict, what: str, foreign: list[str] = ()) -> None:
    """load_state_dict(strict=True) with a readable report of every mismatch instead of the first one."""
    own = model.state_dict()
    missing = sorted(set(own) - set(state))
    unexpected = sorted(set(state) - set(own)) + [f"{k} (no known prefix)" for k in foreign]
    shapes = sorted(f"{k}: checkpoint {tuple(state[k].shape)} vs model {tuple(own[k].shape)}"
                    for k in set(own) & set(state) if tuple(own[k].shape) != tuple(state[k].shape))
    if missing or unexpected or shapes:
        def block(title, items):
            return f"\n  {title} ({len(items)}):" + "".join(f"\n    {i}" for i in items[:25]) + \
                   (f"\n    ... and {len(items) - 25} more" if len(items) > 25 else "") if items else ""
        raise KeyMappingError(f"{what}: checkpoint does not match the architecture"
                              + block("missing keys", missing) + block("unexpected keys", unexpected)
                              + block("shape mismatches", shapes))
    model.load_state_dict(state, strict=True)


def infer_vqgan_config(state: dict, base: VQGANConfig) -> VQGANConfig:
    """Codebook size / width / channels from the weights; the layout (ch_mult, res_blocks, attention) from base."""
    codebook = state["quantize.embedding.weight"]
    first = state["encoder.blocks.0.weight"]
    return replace(base, codebook_size=codebook.shape[0], emb_dim=codebook.shape[1], nf=first.shape[0], n_channels=first.shape[1])


def infer_denoiser_config(state: dict, n_head: int) -> DenoiserConfig:
    layers = {int(m.group(1)) for k in state if (m := re.match(r"blocks\.(\d+)\.", k))}
    v = state["head.weight"].shape[0]
    if state["tok_emb.weight"].shape[0] != v + 1:
        raise KeyMappingError(f"tok_emb has {state['tok_emb.weight'].shape[0]} rows for {v} codes: not an absorbing "
                              "(MASK = V) model; autoregressive checkpoints are not supported")
    return DenoiserConfig(codebook_size=v, block_size=state["pos_emb"].shape[1], n_layers=len(layers),
                          n_emb=state["tok_emb.weight"].shape[1], n_head=n_head)


def convert_vqgan(raw: dict, base: VQGANConfig, log=print) -> VQAutoEncoder:
    state, dropped, foreign = strip_keys(_unwrap(raw), VQGAN_PREFIX, VQGAN_DROPPED_PREFIXES)
    if not state:
        raise KeyMappingError(f"no '{VQGAN_PREFIX}*' keys: is this a vqgan_ema_<step>.th file? ({len(foreign)} other keys)")
    if "quantize.embed.weight" in state:
        raise KeyMappingError("Gumbel quantizer checkpoints are not supported (only quantizer='nearest')")
    cfg = infer_vqgan_config(state, base)
    model = VQAutoEncoder(cfg)
    load_strict(model, state, "VQGAN", foreign)
    log(f"VQGAN: loaded {len(state)} tensors strictly; dropped {len(dropped)} training-only "
        f"({_summarise(dropped)}); config {asdict(cfg)}")
    return model.eval()


def convert_denoiser(raw: dict, n_head: int, log=print) -> Transformer:
    state, dropped, foreign = strip_keys(_unwrap(raw), DENOISER_PREFIX, dropped_keys=DENOISER_DROPPED_KEYS)
    if not state:
        raise KeyMappingError(f"no '{DENOISER_PREFIX}*' keys: is this an absorbing_ema_<step>.th file? ({len(foreign)} other keys)")
    cfg = infer_denoiser_config(state, n_head)
    model = Transformer(cfg)
    load_strict(model, state, "denoiser", foreign)
    log(f"denoiser: loaded {len(state)} tensors strictly; dropped {len(dropped)} training-only "
        f"({_summarise(dropped)}); config {asdict(cfg)}")
    return model.eval()


def _summarise(keys: list[str]) -> str:
    groups: dict[str, int] = {}
    for k in keys:
        head = k.split(".")[0] if not k.startswith("ae.generator.logsigma") else "ae.generator.logsigma"
        groups[head] = groups.get(head, 0) + 1
    return ", ".join(f"{g}.* x{n}" if n > 1 or "." in g else g for g, n in groups.items()) or "none"


def check_codebook(vq: VQAutoEncoder, trained_with: torch.Tensor | None, log=print) -> None:
    """The absorbing checkpoint carries the codebook of the VQGAN whose tokens it was trained on
    (`embedding_weight`); a different VQGAN (e.g. the non-EMA one) would hand it tokens it never saw."""
    if trained_with is None:
        log("note: absorbing checkpoint has no embedding_weight; cannot check that the VQGAN matches it")
        return
    own = vq.quantize.embedding.weight.detach()
    if tuple(trained_with.shape) != tuple(own.shape):
        raise KeyMappingError(f"the denoiser was trained with a {tuple(trained_with.shape)} codebook, "
                              f"the VQGAN has {tuple(own.shape)}")
    diff = float((trained_with.float() - own).abs().max())
    if diff > 1e-6:
        log(f"WARNING: the VQGAN codebook differs from the one the denoiser was trained with (max abs {diff:.3g}): "
            "is this the matching vqgan_ema_<step>.th?")
    else:
        log("VQGAN codebook matches the denoiser's embedding_weight")


def step_of(path: Path) -> int:
    m = re.search(r"_(\d+)\.th$", Path(path).name)
    return int(m.group(1)) if m else 0


# --------------------------------------------------------------------------------------------- random init

def random_init_models(vq_cfg: VQGANConfig, dn_cfg: DenoiserConfig, seed: int = 0) -> tuple[VQAutoEncoder, Transformer]:
    """Paper-architecture models with random weights. The codebook is re-seeded from encoder outputs of random
    images (as dead-code restarts do) so a random encoder still spreads images over many codes."""
    from .make_test_pack import smooth_images

    torch.manual_seed(seed)
    vq, dn = VQAutoEncoder(vq_cfg).eval(), Transformer(dn_cfg).eval()
    gen = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        dn.pos_emb.normal_(0.0, 0.02, generator=gen)
        n_img = max(1, -(-vq_cfg.codebook_size // vq_cfg.latent_size ** 2))
        z = vq.encoder(smooth_images(n_img, vq_cfg.img_size, gen))
        flat = z.permute(0, 2, 3, 1).reshape(-1, z.shape[1])
        pick = torch.randint(0, flat.shape[0], (vq_cfg.codebook_size,), generator=gen) \
            if flat.shape[0] < vq_cfg.codebook_size else torch.randperm(flat.shape[0], generator=gen)[: vq_cfg.codebook_size]
        vq.quantize.embedding.weight.copy_(flat[pick] + 0.01 * torch.randn(len(pick), flat.shape[1], generator=gen))
    return vq, dn


def save_upstream_checkpoints(vq: VQAutoEncoder, dn: Transformer, folder: Path, step: int = 0,
                              with_logsigma: bool = True) -> tuple[Path, Path]:
    """Writes vqgan_ema_<step>.th / absorbing_ema_<step>.th exactly as the reference's save_model would name
    the keys, including a sample of the training-only keys the converter must drop."""
    folder.mkdir(parents=True, exist_ok=True)
    vq_state = {VQGAN_PREFIX + k: v for k, v in vq.state_dict().items()}
    ch = vq.cfg.nf * vq.cfg.ch_mult[0]
    vq_state.update({  # the discriminator and LPIPS of the reference VQGAN module (shapes abridged)
        "disc.main.0.weight": torch.zeros(64, 3, 4, 4), "disc.main.0.bias": torch.zeros(64),
        "disc.main.3.running_mean": torch.zeros(128), "disc.main.3.num_batches_tracked": torch.zeros((), dtype=torch.long),
        "perceptual.scaling_layer.shift": torch.zeros(1, 3, 1, 1), "perceptual.lin0.model.1.weight": torch.zeros(1, 64, 1, 1),
    })
    if with_logsigma:  # present only if the ELBO head was fine-tuned; released files lack it
        vq_state.update({"ae.generator.logsigma.0.weight": torch.zeros(ch, ch, 3, 3), "ae.generator.logsigma.0.bias": torch.zeros(ch),
                         "ae.generator.logsigma.2.weight": torch.zeros(3, ch, 1, 1), "ae.generator.logsigma.2.bias": torch.zeros(3)})
    dn_state = {DENOISER_PREFIX + k: v for k, v in dn.state_dict().items()}
    dn_state.update({k: torch.zeros(257) for k in ("Lt_history", "Lt_count", "loss_history")})
    # AbsorbingDiffusion registers the VQGAN codebook it was trained with as a parameter, so it is saved too
    dn_state["embedding_weight"] = vq.quantize.embedding.weight.detach().clone()
    vq_path, dn_path = folder / f"vqgan_ema_{step}.th", folder / f"absorbing_ema_{step}.th"
    torch.save(vq_state, vq_path)
    torch.save(dn_state, dn_path)
    return vq_path, dn_path


# --------------------------------------------------------------------------------------------- golden

def load_images(paths: list[Path], size: int) -> torch.Tensor:
    from PIL import Image

    out = []
    for p in paths:
        with Image.open(p) as img:
            rgba = img.convert("RGBA")
        rgb = Image.alpha_composite(Image.new("RGBA", rgba.size, (255, 255, 255, 255)), rgba).convert("RGB")
        w, h = rgb.size
        s = min(w, h)  # centre crop, then resize
        rgb = rgb.crop(((w - s) // 2, (h - s) // 2, (w - s) // 2 + s, (h - s) // 2 + s)).resize((size, size), Image.BICUBIC)
        out.append(torch.from_numpy(np.asarray(rgb, dtype=np.uint8).copy()).permute(2, 0, 1).float() / 255.0)
    return torch.stack(out)


def paper_golden_inputs(vq: VQAutoEncoder, images: list[Path] | None = None, k: int = 2, seed: int = 0, pool: int = 8) -> GoldenInputs:
    """k images (given ones, else random smooth images: the k of 2k with the largest nearest-code margin) and
    two grids: all MASK, and image 0's tokens with half the positions masked. Random-weight codebooks crowd
    codes together, so the pool is large enough to find images whose nearest code is clear."""
    from .make_test_pack import smooth_images

    size = vq.cfg.img_size
    if images:
        chosen = load_images(images[:k], size)
        note = f"user images {[Path(p).name for p in images[:k]]}, centre-cropped and resized to {size}"
    else:
        candidates = smooth_images(pool, size, torch.Generator().manual_seed(seed))
        picked = select_by_margin(vq, candidates, k)
        chosen = candidates[picked]
        note = f"random smooth images (seed {seed}): {k} of {pool} with the largest nearest-code margin"
    with torch.no_grad():
        ids = vq.encode_ids(chosen)
    n, mask = ids.shape[1], vq.cfg.codebook_size
    half = ids[0].clone()
    half[torch.randperm(n, generator=torch.Generator().manual_seed(seed))[: n // 2]] = mask
    grids = torch.stack([torch.full((n,), mask, dtype=torch.long), half])
    return GoldenInputs(chosen, grids, notes={"encoderImages": note,
                                              "denoiserGrids": "row 0 all MASK; row 1 encoder golden image 0's tokens, half masked"})


# --------------------------------------------------------------------------------------------- pack

def paper_pack(vqgan_path: Path, absorbing_path: Path, out: Path, name: str, version: str, dataset: str,
               base_vq: VQGANConfig, n_head: int, sampling: dict, images: list[Path] | None = None,
               random_init: bool = False, log=print) -> dict:
    vq = convert_vqgan(torch.load(vqgan_path, map_location="cpu"), base_vq, log)
    raw_dn = torch.load(absorbing_path, map_location="cpu")
    dn = convert_denoiser(raw_dn, n_head, log)
    check_codebook(vq, _unwrap(raw_dn).get("embedding_weight"), log)
    del raw_dn
    if dn.cfg.codebook_size != vq.cfg.codebook_size or dn.cfg.block_size != vq.cfg.latent_size ** 2:
        raise KeyMappingError(f"denoiser (V={dn.cfg.codebook_size}, N={dn.cfg.block_size}) does not fit the VQGAN "
                              f"(V={vq.cfg.codebook_size}, {vq.cfg.latent_size}x{vq.cfg.latent_size} tokens): "
                              "check --img-size / --ch-mult")
    if random_init:
        sources = "random initialisation (paper architecture), converted through upstream-named checkpoint files"
        weights_note = ("The weights are random: this pack exists to measure speed at paper scale. "
                        "Its outputs are meaningless.")
        license_ = {"weights": "CC0-1.0", "attribution": ["Architecture: Unleashing Transformers (samb-t/unleashing-transformers, MIT)"],
                    "noticeFile": "NOTICE"}
        source_ckpt = "random init (paper_export.py --random-init)"
    else:
        sources = f"{Path(vqgan_path).name}, {Path(absorbing_path).name}"
        weights_note = ("The checkpoints are the authors' released weights, supplied by the user. The repository "
                        "licenses its code under MIT and states no separate licence for the weights; the training "
                        f"data set ({dataset}) has its own terms of use, which may restrict use of the weights.")
        license_ = {"weights": "unspecified (released Unleashing Transformers checkpoints; see NOTICE)",
                    "attribution": ["Unleashing Transformers, Bond-Taylor et al. 2022 (samb-t/unleashing-transformers, MIT)",
                                    f"trained on {dataset}"],
                    "noticeFile": "NOTICE"}
        source_ckpt = f"{vqgan_path} + {absorbing_path}"
    fields = {
        "name": name, "version": version,
        "description": f"Unleashing Transformers paper architecture ({vq.cfg.img_size}px, {vq.cfg.latent_size}x{vq.cfg.latent_size} "
                       f"tokens, codebook {vq.cfg.codebook_size}, {dn.cfg.n_layers}x{dn.cfg.n_emb} transformer)"
                       + (", random weights" if random_init else f", {dataset}"),
        "sampling": sampling,
        "provenance": {"dataset": "none (random initialisation)" if random_init else dataset,
                       "trainingSteps": {"vqgan": 0 if random_init else step_of(vqgan_path),
                                         "denoiser": 0 if random_init else step_of(absorbing_path)},
                       "sourceCheckpoint": source_ckpt,
                       "exporter": "training/pipeline_training/paper_export.py"},
        "license": license_,
    }
    golden = paper_golden_inputs(vq, images)
    notice = PAPER_NOTICE.format(name=name, sources=sources, weights_note=weights_note)
    manifest = export_pack(vq, dn, out, fields, golden, notice=notice)
    verify_pack(out)
    return manifest


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--vqgan", type=Path, help="vqgan_ema_<step>.th (keys ae.*)")
    p.add_argument("--absorbing", type=Path, help="absorbing_ema_<step>.th (keys _denoise_fn.*)")
    p.add_argument("--random-init", action="store_true", help="random paper-architecture weights, through the same conversion")
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--name")
    p.add_argument("--version", default="1.0.0")
    p.add_argument("--dataset", default="churches", help="what the checkpoints were trained on (provenance)")
    p.add_argument("--images", type=Path, nargs="*", help="golden encoder images (default: random smooth images)")
    p.add_argument("--img-size", type=int, default=256)
    p.add_argument("--ch-mult", type=int, nargs="+", default=[1, 1, 2, 2, 4])
    p.add_argument("--res-blocks", type=int, default=2)
    p.add_argument("--attn-resolutions", type=int, nargs="*", default=[16])
    p.add_argument("--n-head", type=int, default=8)
    # sizes read from the weights for real checkpoints; --random-init uses these (paper values by default)
    p.add_argument("--nf", type=int, default=128, help="--random-init only")
    p.add_argument("--codebook-size", type=int, default=1024, help="--random-init only")
    p.add_argument("--emb-dim", type=int, default=256, help="--random-init only")
    p.add_argument("--n-layers", type=int, default=24, help="--random-init only")
    p.add_argument("--n-emb", type=int, default=512, help="--random-init only")
    p.add_argument("--default-steps", type=int, default=256)
    p.add_argument("--min-steps", type=int, default=16)
    p.add_argument("--max-steps", type=int, default=1024)
    p.add_argument("--default-order", default="reference", choices=["reference", "exact-k", "confidence"])
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--threads", type=int, default=2)
    args = p.parse_args(argv)
    torch.set_num_threads(args.threads)
    base = replace(VQGANConfig.paper(), img_size=args.img_size, ch_mult=tuple(args.ch_mult), res_blocks=args.res_blocks,
                   attn_resolutions=tuple(args.attn_resolutions))
    sampling = {"defaultSteps": args.default_steps, "minSteps": args.min_steps, "maxSteps": args.max_steps,
                "defaultTemperature": 1.0, "defaultOrder": args.default_order}
    common = dict(out=args.out, version=args.version, dataset=args.dataset, base_vq=base, n_head=args.n_head,
                  sampling=sampling, images=args.images)
    if args.random_init:
        vq_cfg = replace(base, nf=args.nf, codebook_size=args.codebook_size, emb_dim=args.emb_dim)
        dn_cfg = DenoiserConfig(codebook_size=args.codebook_size, block_size=base.latent_size ** 2,
                                n_layers=args.n_layers, n_emb=args.n_emb, n_head=args.n_head)
        vq, dn = random_init_models(vq_cfg, dn_cfg, args.seed)
        with tempfile.TemporaryDirectory(prefix="paper-random-") as tmp:
            vq_path, dn_path = save_upstream_checkpoints(vq, dn, Path(tmp))
            del vq, dn
            manifest = paper_pack(vq_path, dn_path, name=args.name or "paper-random", random_init=True, **common)
    else:
        if not (args.vqgan and args.absorbing):
            p.error("give --vqgan and --absorbing, or --random-init")
        manifest = paper_pack(args.vqgan, args.absorbing, name=args.name or f"paper-{args.dataset}", **common)
    sizes = {g["file"]: (args.out / g["file"]).stat().st_size for g in manifest["graphs"].values()}
    print(f"wrote {args.out}: " + ", ".join(f"{f} {s / 1e6:.1f} MB" for f, s in sizes.items()))


if __name__ == "__main__":
    main()
