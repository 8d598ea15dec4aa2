"""Quality figures of a trained emoji run (docs/architecture.md §6): VQGAN reconstruction, codebook usage and the Fréchet
distance (FD) of generations in the feature space of our emoji classifier (a stand-in for FID).

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE nice -n 10 /usr/bin/python3 -m pipeline_training.evaluate \
        --run training/runs/emoji32 --samples 1000 --out training/runs/emoji32/eval

(run from the repo root with PYTHONPATH=training; unsetting the two OpenBLAS variables is docs/architecture.md §6's ~1.8x
for a training/evaluation command run alone; leave them set for tests.) Needs RUN/vqgan.pt, RUN/denoiser.pt
(EMA weights of both are used) and RUN/classifier.pt (`python3 -m pipeline_training.classifier`).

Measured:
- held-out reconstruction PSNR of the VQGAN and the fraction of the codebook the held-out set uses;
- FD between `--samples` generations and the 616 held-out images, for the reference (1/t) and confidence
  (MaskGIT) orders at N/8, N/4, N/2 and N steps (tau = 1.0);
- reference points: held-out vs a 616-image train subset (the noise floor: two real sets of the same size),
  VQGAN reconstructions of held-out (what a perfect prior could reach through this VQGAN), and uniformly
  random tokens decoded by the same VQGAN (a prior that learned nothing).
Generated images are clamped and rounded to 8 bits, as served PNGs are.

Scoring generations made elsewhere (e.g. by the C# engine, fp32 against int8: Python has no ONNX Runtime here):

    python3 -m pipeline_training.evaluate --images out/fp32 out/int8 [--json scores.json]

computes, for each folder, the FD of its PNGs (every image of the pack's size; larger ones such as a
contact sheet are skipped) against the same held-out set with the same classifier, and prints a table with
the noise floor beside it; nothing is generated and no denoiser is needed.

Writes OUT/table.md, OUT/quality.json (merged into the pack manifest by the exporter: `export --quality`),
OUT/details.json (timings, forward rows, seeds), a contact sheet per setting (OUT/<order>_<steps>.png, 64
samples, x2 nearest) and OUT/samples.png (64 generations of the best confidence setting, then variations
source | strength 0.3 | 0.6 and inpaints source | masked | result on held-out images).
"""
from __future__ import annotations

import argparse
import json
import math
import time
from pathlib import Path

import numpy as np
import scipy.linalg
import torch
from PIL import Image, ImageDraw

from . import sampler as S
from .classifier import EmojiClassifier, features, load_classifier, train_classifier
from .common import psnr, to_tensor
from .data import load
from .finetune_decoder import load_vqgan_with_decoder
from .transformer import DenoiserConfig, Transformer
from .vqgan import VQAutoEncoder

FD_ORDERS = ("reference", "confidence")


# ------------------------------------------------------------------------------------------------ metrics

def frechet_distance(f1, f2, eps: float = 1e-6) -> float:
    """FD between two feature sets [n, d]: ||mu1 - mu2||^2 + Tr(S1 + S2 - 2 sqrt(S1 S2)) (real part of
    scipy.linalg.sqrtm; a small ridge is added when the product is singular, as pytorch-fid does)."""
    a, b = np.asarray(f1, dtype=np.float64), np.asarray(f2, dtype=np.float64)
    if a.ndim != 2 or b.ndim != 2 or a.shape[1] != b.shape[1] or len(a) < 2 or len(b) < 2:
        raise ValueError(f"need two [n>=2, d] feature sets; got {a.shape} and {b.shape}")
    mu1, mu2 = a.mean(0), b.mean(0)
    s1, s2 = np.cov(a, rowvar=False), np.cov(b, rowvar=False)
    covmean, _ = scipy.linalg.sqrtm(s1 @ s2, disp=False)
    if not np.isfinite(covmean).all():
        offset = np.eye(len(s1)) * eps
        covmean = scipy.linalg.sqrtm((s1 + offset) @ (s2 + offset))
    covmean = np.real(covmean)
    diff = mu1 - mu2
    return float(diff @ diff + np.trace(s1) + np.trace(s2) - 2.0 * np.trace(covmean))


def to_8bit(images: torch.Tensor) -> torch.Tensor:
    """Clamp to [0, 1] and round to 1/255 steps, as a served PNG is."""
    return images.clamp(0, 1).mul(255).round().div(255)


# ---------------------------------------------------------------------------------------------- loading

def load_run(run: Path, allow_vqgan_mismatch: bool = False) -> tuple[VQAutoEncoder, Transformer, dict]:
    """The models the exporter ships: EMA VQGAN (generator from RUN/decoder.pt when a decoder fine-tune of this
    VQGAN step exists, see finetune_decoder.py) and the EMA denoiser."""
    vq, info = load_vqgan_with_decoder(run)
    dn_state = torch.load(run / "denoiser.pt", map_location="cpu")
    if dn_state.get("vqgan_step") != info["vqgan_step"] and not allow_vqgan_mismatch:
        raise SystemExit(f"{run / 'denoiser.pt'} was trained on the tokens of VQGAN step {dn_state.get('vqgan_step')}, "
                         f"but {run / 'vqgan.pt'} is at step {info['vqgan_step']}: the figures would be meaningless")
    dn = Transformer(DenoiserConfig(**dn_state["config"]))
    dn.load_state_dict(dn_state["ema"])
    info.update(denoiser_step=dn_state["step"], denoiser_vqgan_step=dn_state.get("vqgan_step"))
    return vq.eval(), dn.eval(), info


@torch.no_grad()
def encode(vq: VQAutoEncoder, images: torch.Tensor, batch: int = 250) -> torch.Tensor:
    return torch.cat([vq.encode_ids(images[i:i + batch]) for i in range(0, len(images), batch)])


@torch.no_grad()
def decode(vq: VQAutoEncoder, ids: torch.Tensor, batch: int = 250) -> torch.Tensor:
    return torch.cat([to_8bit(vq.decode_ids(ids[i:i + batch])) for i in range(0, len(ids), batch)])


# ------------------------------------------------------------------------------------------------ images

def to_pil(images: torch.Tensor) -> list[Image.Image]:
    arr = (images.clamp(0, 1) * 255).round().byte().permute(0, 2, 3, 1).numpy()
    return [Image.fromarray(a) for a in arr]


def grid(images: list[Image.Image | None], cols: int, scale: int = 2, gap: int = 2, group: int = 0,
         background=(160, 160, 160)) -> Image.Image:
    """A contact sheet: images (None leaves a cell empty) in rows of `cols`, upscaled x scale nearest; with
    `group`, every `group` columns are set apart by a wider gap (for source | a | b triplets)."""
    if not images:
        return Image.new("RGB", (1, 1), background)
    w, h = images[0].size
    cw, ch = w * scale, h * scale
    rows = math.ceil(len(images) / cols)
    extra = 3 * gap if group else 0
    n_groups = (cols - 1) // group if group else 0
    sheet = Image.new("RGB", (cols * cw + (cols + 1) * gap + n_groups * extra, rows * ch + (rows + 1) * gap), background)
    for i, img in enumerate(images):
        if img is not None:
            r, c = divmod(i, cols)
            x = gap + c * (cw + gap) + (c // group if group else 0) * extra
            sheet.paste(img.resize((cw, ch), Image.NEAREST), (x, gap + r * (ch + gap)))
    return sheet


def stack(sections: list[tuple[str, Image.Image]], background=(255, 255, 255)) -> Image.Image:
    """Sections one above the other, each under a one-line caption."""
    caption_h = 14
    width = max(img.width for _, img in sections) + 8
    height = sum(img.height + caption_h + 6 for _, img in sections) + 4
    out = Image.new("RGB", (width, height), background)
    draw = ImageDraw.Draw(out)
    y = 4
    for caption, img in sections:
        draw.text((4, y), caption, fill=(0, 0, 0))
        y += caption_h
        out.paste(img, (4, y))
        y += img.height + 6
    return out


def inpaint_masks(size: int) -> list[tuple[str, torch.Tensor]]:
    """Pixel masks (1 = regenerate) used for the inpainting rows: centre, halves and a border (outpainting)."""
    q = size // 4
    masks = []
    for name, (y0, y1, x0, x1) in {"centre": (q, size - q, q, size - q), "right half": (0, size, size // 2, size),
                                   "bottom half": (size // 2, size, 0, size), "left half": (0, size, 0, size // 2),
                                   "top half": (0, size // 2, 0, size)}.items():
        m = torch.zeros(size, size)
        m[y0:y1, x0:x1] = 1
        masks.append((name, m))
    border = torch.ones(size, size)
    border[q:size - q, q:size - q] = 0
    masks.append(("border (outpaint)", border))
    return masks


# --------------------------------------------------------------------------------------------- the run

def generate(dn: Transformer, vq: VQAutoEncoder, order: str, steps: int, n: int, batch: int, seed: int,
             temperature: float = 1.0) -> tuple[torch.Tensor, dict]:
    """n decoded generations (8-bit, [n, 3, H, W]) and timing/forward-row counts."""
    gen = torch.Generator().manual_seed(seed)
    counter = S.Counter()
    images, t_sample, t_decode, cpu_sample = [], 0.0, 0.0, 0.0
    for start in range(0, n, batch):
        b = min(batch, n - start)
        t0, c0 = time.perf_counter(), time.process_time()
        ids = S.sample(order, dn, b, steps, temperature, gen, active_rows_only=True, counter=counter)
        t1, c1 = time.perf_counter(), time.process_time()
        images.append(decode(vq, ids))
        t_sample += t1 - t0
        cpu_sample += c1 - c0
        t_decode += time.perf_counter() - t1
    # CPU seconds as well as wall seconds: on a shared machine the wall time mostly measures the neighbours
    return torch.cat(images), {"sample_s": round(t_sample, 2), "sample_cpu_s": round(cpu_sample, 2),
                               "decode_s": round(t_decode, 2), "forwards": counter.forwards,
                               "forward_rows": counter.rows}


def expected_rows(order: str, steps: int, n_tokens: int, samples: int) -> float:
    """Expected forward rows of one setting (with active_rows_only). Confidence: every row at every step until
    all N are committed (at least one per step). Reference: after steps S..t+1 a position is still masked with
    probability t/S and unmasks at step t with probability 1/t, so a row is idle at a step with probability
    (1 - 1/S)^N whatever t is."""
    if order == "reference":
        return samples * steps * (1.0 - (1.0 - 1.0 / steps) ** n_tokens)
    return float(samples * min(steps, n_tokens))


@torch.no_grad()
def forward_rate(dn: Transformer, batch: int) -> float:
    """Rows per second of the denoiser forward at this batch (one warm-up, then two timed)."""
    x = torch.full((batch, dn.cfg.block_size), dn.cfg.codebook_size, dtype=torch.long)
    dn(x)
    t0 = time.perf_counter()
    dn(x)
    dn(x)
    return 2 * batch / (time.perf_counter() - t0)


def setting_seed(seed: int, order: str, steps: int) -> int:
    """A setting's seed depends on (order, steps) only, so a run over a subset of settings reproduces them."""
    return seed * 1_000_003 + S.ORDERS.index(order) * 10_007 + steps


def _to_uint8(images: torch.Tensor) -> np.ndarray:
    return (images.clamp(0, 1) * 255).round().byte().permute(0, 2, 3, 1).numpy()


def _cached(path: Path, key: dict) -> tuple[torch.Tensor | None, dict | None]:
    """Generations saved by an earlier run with the same settings and checkpoints, else (None, None)."""
    if not path.exists():
        return None, None
    with np.load(path) as f:
        meta = json.loads(str(f["meta"]))
        if meta["key"] != key:
            return None, None
        return to_tensor(f["images"]), meta["timing"]


def _tiny_classifier(data: dict, log) -> EmojiClassifier:
    log("--quick: no classifier.pt in the run, training a throwaway tiny classifier")
    model, _ = train_classifier(data["train_x"], data["train_category"], data["held_x"][:0], data["held_category"][:0],
                                n_classes=len(data["categories"]), epochs=1, batch=16, widths=(8, 16), max_steps=3,
                                log=lambda *_: None)
    return model


def evaluate(run: Path, data_path: Path, out: Path, samples: int = 1000, batch: int = 250,
             steps: list[int] | None = None, orders=FD_ORDERS, temperature: float = 1.0, seed: int = 0,
             quick: bool = False, allow_vqgan_mismatch: bool = False, classifier_path: Path | None = None,
             resume: bool = False, log=print) -> dict:
    t_start = time.perf_counter()
    out.mkdir(parents=True, exist_ok=True)
    vq, dn, info = load_run(run, allow_vqgan_mismatch or quick)
    data = load(data_path)
    held_x, train_x = data["held_x"], data["train_x"]
    if quick:
        samples, batch = min(samples, 24), min(batch, 24)
        held_x = held_x[:48]
    n_tokens, codebook = int(dn.cfg.block_size), int(dn.cfg.codebook_size)
    steps = steps or sorted({max(1, n_tokens // 8), max(1, n_tokens // 4), max(1, n_tokens // 2), n_tokens})
    cls_path = classifier_path or run / "classifier.pt"
    if cls_path.exists():
        classifier, cls_state = load_classifier(cls_path)
        cls_acc = cls_state.get("summary", {}).get("held_accuracy")
        cls_acc = cls_acc if isinstance(cls_acc, float) and math.isfinite(cls_acc) else None  # details.json is strict JSON
        if cls_state.get("summary", {}).get("partial"):
            log(f"warning: {cls_path} is an intermediate checkpoint of a classifier still training")
    elif quick:
        classifier, cls_acc = _tiny_classifier(data, log), None
    else:
        raise SystemExit(f"no classifier at {cls_path}: train it first "
                         f"(python3 -m pipeline_training.classifier --out {cls_path})")

    # real sets: held-out, and the same number of train images as the noise floor
    held = to_tensor(held_x)
    pick = torch.randperm(len(train_x), generator=torch.Generator().manual_seed(seed + 7))[: len(held)]
    train_sub = to_tensor(train_x[pick.numpy()])
    f_held = features(classifier, held)
    floor_fd = frechet_distance(features(classifier, train_sub), f_held)

    # VQGAN: reconstruction PSNR, codebook usage, FD of reconstructions
    t0 = time.perf_counter()
    held_ids = encode(vq, held)
    recon = decode(vq, held_ids)
    recon_psnr = psnr(recon, held)
    used = int(torch.unique(held_ids).numel())
    recon_fd = frechet_distance(features(classifier, recon), f_held)
    log(f"VQGAN step {info['vqgan_step']} (decoder fine-tune step {info['decoder_finetune_step']}): held-out PSNR {recon_psnr:.2f} dB, codebook {used}/{codebook}, "
        f"reconstruction FD {recon_fd:.3f}; noise floor FD {floor_fd:.3f} ({time.perf_counter() - t0:.1f} s)")

    # uniform random tokens
    t0 = time.perf_counter()
    uni_ids = torch.randint(0, codebook, (samples, n_tokens), generator=torch.Generator().manual_seed(seed + 11))
    uniform_fd = frechet_distance(features(classifier, decode(vq, uni_ids)), f_held)
    log(f"uniform random tokens: FD {uniform_fd:.3f} ({time.perf_counter() - t0:.1f} s)")

    rows, sheets = [], {}
    planned = sum(expected_rows(o, s, n_tokens, samples) for o in orders for s in steps)
    rate = forward_rate(dn, min(batch, samples))
    log(f"plan: {len(orders) * len(steps)} settings x {samples} samples, about {planned:,.0f} forward rows; at the "
        f"{rate:.0f} rows/s measured now, about {planned / rate / 60:.1f} min of sampling (plus decoding)")
    cache = out / "generated"
    cache.mkdir(exist_ok=True)
    for order in orders:
        for s in steps:
            t0 = time.perf_counter()
            key = {"order": order, "steps": s, "samples": samples, "seed": setting_seed(seed, order, s),
                   "temperature": temperature, "vqgan_step": info["vqgan_step"],
                   "decoder_finetune_step": info["decoder_finetune_step"], "denoiser_step": info["denoiser_step"]}
            images, timing = _cached(cache / f"{order}_{s}.npz", key) if resume else (None, None)
            if images is None:
                images, timing = generate(dn, vq, order, s, samples, batch, seed=key["seed"], temperature=temperature)
                np.savez_compressed(cache / f"{order}_{s}.npz", images=_to_uint8(images),
                                    meta=json.dumps({"key": key, "timing": timing}))
            else:
                log(f"{order} S={s}: reusing {cache / f'{order}_{s}.npz'} (--resume)")
            t_feat = time.perf_counter()
            fd = frechet_distance(features(classifier, images), f_held)
            timing["features_s"] = round(time.perf_counter() - t_feat, 2)
            rows.append({"order": order, "steps": s, "fd": fd, "samples": samples, **timing})
            sheets[(order, s)] = images[:64]
            grid(to_pil(images[:64]), 8).save(out / f"{order}_{s}.png")
            log(f"{order:>10} S={s:<4} FD {fd:8.3f}  {samples} samples, {timing['forward_rows']} forward rows, "
                f"{timing['sample_s']:.1f} s sampling + {timing['decode_s']:.1f} s decode "
                f"({timing['forward_rows'] / max(timing['sample_s'], 1e-9):.0f} rows/s; "
                f"{time.perf_counter() - t0:.1f} s)")

    # samples.png: best confidence setting (else the best of any order), variations, inpaints
    pool = [r for r in rows if r["order"] == "confidence"] or rows
    best = min(pool, key=lambda r: r["fd"])
    show = _showcase(vq, dn, held, best["order"], best["steps"], temperature, seed, sheets[(best["order"], best["steps"])])
    show.save(out / "samples.png")

    quality = {"reconstructionPsnrDb": round(recon_psnr, 3), "codebookUsage": round(used / codebook, 4),
               "fd": [{"order": r["order"], "steps": r["steps"], "fd": round(r["fd"], 4), "samples": r["samples"]}
                      for r in rows],
               "uniformBaselineFd": round(uniform_fd, 4), "heldOutFd": round(floor_fd, 4),
               "reconstructionFd": round(recon_fd, 4)}
    details = {"run": str(run), **info, "classifier_held_accuracy": cls_acc, "feature_dim": int(f_held.shape[1]),
               "held_images": len(held), "noise_floor": f"held-out vs {len(train_sub)} train images (seed {seed + 7})",
               "temperature": temperature, "seed": seed, "quick": quick, "batch": batch,
               "torch_threads": torch.get_num_threads(), "codes_used": used, "settings": rows,
               "best": {"order": best["order"], "steps": best["steps"]},
               "total_s": round(time.perf_counter() - t_start, 1)}
    (out / "quality.json").write_text(json.dumps(quality, indent=2) + "\n")
    (out / "details.json").write_text(json.dumps(details, indent=2) + "\n")
    (out / "table.md").write_text(table_md(quality, details))
    log(f"wrote {out}/table.md, quality.json, samples.png ({details['total_s']} s)")
    return {"quality": quality, "details": details}


@torch.no_grad()
def _showcase(vq, dn, held, order, steps, temperature, seed, generations, n_var: int = 6) -> Image.Image:
    gen = torch.Generator().manual_seed(seed + 23)
    mask_id = int(dn.cfg.codebook_size)
    size, lat = held.shape[-1], vq.cfg.latent_size
    n_var = min(n_var, len(held))
    src_idx = torch.randperm(len(held), generator=gen)[: 2 * n_var]
    var_src = held[src_idx[:n_var]]
    inp_src = held[src_idx[n_var:]] if len(src_idx) >= 2 * n_var else var_src
    # variations: source | 0.3 | 0.6
    ids = encode(vq, var_src)
    variations = []
    for strength in (0.3, 0.6):
        start = S.variation_start(ids, strength, mask_id, gen)
        variations.append(decode(vq, S.sample(order, dn, len(ids), steps, temperature, gen, init=start)))
    var_cells = []
    for i in range(n_var):
        var_cells += to_pil(torch.stack([var_src[i], variations[0][i], variations[1][i]]))
    # inpainting: source | masked (grey) | result composited over the source outside the mask
    masks = inpaint_masks(size)
    pix = torch.stack([masks[i % len(masks)][1] for i in range(len(inp_src))])
    ids = encode(vq, inp_src)
    start = S.inpaint_start(ids, S.token_mask_from_pixels(pix, lat, lat), mask_id)
    result = decode(vq, S.sample(order, dn, len(ids), steps, temperature, gen, init=start))
    m = pix.unsqueeze(1)
    shown = inp_src * (1 - m) + 0.5 * m
    composite = inp_src * (1 - m) + result * m
    inp_cells = []
    for i in range(len(inp_src)):
        inp_cells += to_pil(torch.stack([inp_src[i], shown[i], composite[i]]))
    return stack([(f"generations: {order} order, {steps} steps, tau {temperature}", grid(to_pil(generations), 8)),
                  ("variations: source | strength 0.3 | strength 0.6", grid(var_cells, 9, group=3)),
                  ("inpainting: source | masked (grey) | result; centre, halves, border", grid(inp_cells, 9, group=3))])


def table_md(q: dict, d: dict) -> str:
    lines = [
        "# emoji-32 quality",
        "",
        f"VQGAN step {d['vqgan_step']} (decoder fine-tune step {d.get('decoder_finetune_step', 0)}), "
        f"denoiser step {d['denoiser_step']}; FD in the {d['feature_dim']}-d penultimate "
        f"features of the emoji classifier (held-out accuracy {_fmt(d['classifier_held_accuracy'])}), against the "
        f"{d['held_images']} held-out images; temperature {d['temperature']}; lower is better.",
        "",
        "| measure | value |",
        "|---|---|",
        f"| VQGAN held-out reconstruction PSNR | {q['reconstructionPsnrDb']:.2f} dB |",
        f"| codebook usage on held-out | {d['codes_used']} codes ({100 * q['codebookUsage']:.1f}%) |",
        f"| FD noise floor ({d['noise_floor']}) | {q['heldOutFd']:.3f} |",
        f"| FD of VQGAN reconstructions of held-out (best a prior can do) | {q['reconstructionFd']:.3f} |",
        f"| FD of uniformly random tokens (a prior that learned nothing) | {q['uniformBaselineFd']:.3f} |",
        "",
        "| order | steps | samples | FD | forward rows | sampling s (wall) | sampling s (CPU) | rows/s (wall) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in d["settings"]:
        rate = r["forward_rows"] / max(r["sample_s"], 1e-9)
        cpu = r.get("sample_cpu_s")
        lines.append(f"| {r['order']} | {r['steps']} | {r['samples']} | {r['fd']:.3f} | {r['forward_rows']} | "
                     f"{r['sample_s']:.1f} | {'n/a' if cpu is None else f'{cpu:.1f}'} | {rate:.0f} |")
    lines += ["", f"Best confidence setting (shown in samples.png): {d['best']['order']}, {d['best']['steps']} steps. "
              f"Total {d['total_s']} s on {d['torch_threads']} torch threads."
              + (" QUICK MODE: not a measurement." if d["quick"] else ""), ""]
    return "\n".join(lines)


def read_png_folder(folder: Path, size: int) -> tuple[torch.Tensor, int]:
    """Every *.png of `folder` (sorted by name) that is size x size RGB(A), as [n, 3, size, size] in [0, 1] (alpha
    flattened onto white, as the data set is); returns the images and how many other PNGs were skipped."""
    images, skipped = [], 0
    for path in sorted(Path(folder).glob("*.png")):
        with Image.open(path) as img:
            if img.size != (size, size):
                skipped += 1
                continue
            rgba = img.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        images.append(np.asarray(Image.alpha_composite(white, rgba).convert("RGB")))
    if not images:
        raise SystemExit(f"{folder}: no {size}x{size} PNG")
    return to_tensor(np.stack(images)), skipped


def score_folders(folders: list[Path], data_path: Path, classifier_path: Path, seed: int = 0, log=print) -> list[dict]:
    """FD of each folder's PNGs against the held-out set, in the classifier's features (as `evaluate` computes it
    for its own generations), plus the noise floor (a held-out-sized train subset, same seed as `evaluate`)."""
    data = load(data_path)
    classifier, cls_state = load_classifier(classifier_path)
    held = to_tensor(data["held_x"])
    size = held.shape[-1]
    f_held = features(classifier, held)
    pick = torch.randperm(len(data["train_x"]), generator=torch.Generator().manual_seed(seed + 7))[: len(held)]
    floor = frechet_distance(features(classifier, to_tensor(data["train_x"][pick.numpy()])), f_held)
    rows = [{"folder": "held-out vs train subset (noise floor)", "images": len(held), "fd": round(floor, 4)}]
    for folder in folders:
        images, skipped = read_png_folder(folder, size)
        rows.append({"folder": str(folder), "images": len(images), "skipped": skipped,
                     "fd": round(frechet_distance(features(classifier, images), f_held), 4)})
    log(f"FD against the {len(held)} held-out images of {data_path.name}, features of {classifier_path} "
        f"(held-out accuracy {_fmt(cls_state.get('summary', {}).get('held_accuracy'))}); lower is better")
    log("| images | n | FD |\n|---|---:|---:|")
    for r in rows:
        log(f"| {r['folder']} | {r['images']} | {r['fd']:.3f} |")
    return rows


def _fmt(x) -> str:
    return "n/a" if x is None else f"{x:.3f}"


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--run", type=Path, default=Path("training/runs/emoji32"))
    p.add_argument("--data", type=Path, default=Path("training/data/emoji32.npz"))
    p.add_argument("--out", type=Path, help="default RUN/eval")
    p.add_argument("--samples", type=int, default=1000, help="generations per setting")
    p.add_argument("--batch", type=int, default=250)
    p.add_argument("--steps", type=int, nargs="*", help="step counts (default N/8, N/4, N/2, N)")
    p.add_argument("--orders", nargs="*", default=list(FD_ORDERS), choices=list(S.ORDERS))
    p.add_argument("--temperature", type=float, default=1.0)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--classifier", type=Path, help="default RUN/classifier.pt")
    p.add_argument("--resume", action="store_true",
                   help="reuse generations saved in OUT/generated by an earlier run with the same settings and "
                        "checkpoints (e.g. to recompute FD with a new classifier, or after an interruption)")
    p.add_argument("--quick", action="store_true", help="a few samples, for tests: not a measurement")
    p.add_argument("--allow-vqgan-mismatch", action="store_true",
                   help="evaluate even if the denoiser was trained on another VQGAN step's tokens")
    p.add_argument("--images", type=Path, nargs="+", metavar="DIR",
                   help="only score these folders of PNGs (e.g. C# engine output at fp32 and int8): FD of each "
                        "against the held-out set; no generation, no denoiser needed")
    p.add_argument("--json", type=Path, help="with --images: also write the scores here")
    args = p.parse_args(argv)
    torch.set_num_threads(args.threads)
    if args.images:
        rows = score_folders(args.images, args.data, args.classifier or args.run / "classifier.pt", seed=args.seed)
        if args.json:
            args.json.write_text(json.dumps(rows, indent=2) + "\n")
        return
    evaluate(args.run, args.data, args.out or args.run / "eval", samples=args.samples, batch=args.batch,
             steps=args.steps, orders=tuple(args.orders), temperature=args.temperature, seed=args.seed,
             quick=args.quick, allow_vqgan_mismatch=args.allow_vqgan_mismatch,
             classifier_path=args.classifier, resume=args.resume)


if __name__ == "__main__":
    main()
