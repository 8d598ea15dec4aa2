"""Golden vectors of a model pack: fixed inputs and the PyTorch (float32, EMA weights) outputs for each graph.

The serving side runs the pack's ONNX graphs on the same inputs and compares (there is no ONNX runtime
for Python here; the C# PackVerifier does the ONNX-vs-PyTorch check). Layout, in <pack>/golden/:

    golden.json  {"tensors": {"encoder.image": {"file", "dtype", "shape"}, "encoder.token_ids": ...,
                              "decoder.token_ids": ..., "decoder.image": ..., "denoiser.token_ids": ...,
                              "denoiser.logits": ...},
                  "tolerance": {"decoder": max abs, "denoiser": max abs},
                  "float64Deviation": {...}, "encoderMargins": {...}, "notes": ...}
    *.bin        raw little-endian arrays, C order

Encoder token ids must match exactly. An argmin can flip between runtimes only where the two nearest codes
are almost equidistant, so golden encoder images are chosen among candidates for the largest nearest-code
margin, and the margins are recorded (`encoderMargins`).

Tolerances: float32 rounding differs between runtimes (summation order, fused kernels). We measure how far
the float32 PyTorch output is from the same model run in float64 and set each tolerance to the larger of a
floor (1e-3 for the decoder, whose output is pixels in ~[0,1], i.e. a quarter of an 8-bit level; 2e-3 for the
denoiser, whose logits are larger and pass through more layers) and 50x that measured float32 error. A real
export bug (wrong layout, padding, normalisation, MASK handling) moves outputs by orders of magnitude more.
"""
from __future__ import annotations

import copy
import json
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch

from .transformer import Transformer
from .vqgan import VQAutoEncoder

DEFAULT_TOLERANCE = {"decoder": 1e-3, "denoiser": 2e-3}
FLOAT64_FACTOR = 50.0


@dataclass
class GoldenInputs:
    encoder_images: torch.Tensor            # float32 [k, 3, H, W] in [0, 1]
    denoiser_grids: torch.Tensor            # int64 [g, N], values 0..V (V = MASK)
    notes: dict = field(default_factory=dict)  # provenance of the inputs (e.g. held-out image names)


def nearest_margins(vq: VQAutoEncoder, images: torch.Tensor) -> dict[str, np.ndarray]:
    """Per image: the smallest gap (over its token positions) between the 2nd-nearest and nearest code's
    squared distance, absolute and relative to the squared norms involved (a float32 rounding scale)."""
    with torch.no_grad():
        z = vq.encoder(images.float()).double()
        b, d, h, w = z.shape
        flat = z.permute(0, 2, 3, 1).reshape(b, h * w, d)
        e = vq.quantize.embedding.weight.double()
        dist = (flat * flat).sum(-1, keepdim=True) + (e * e).sum(1) - 2 * flat @ e.t()
        two = dist.topk(2, dim=-1, largest=False).values
        gap = two[..., 1] - two[..., 0]
        scale = (flat * flat).sum(-1) + (e * e).sum(1).max()
        return {"absolute": gap.min(1).values.numpy(), "relative": (gap / scale).min(1).values.numpy()}


def select_by_margin(vq: VQAutoEncoder, candidates: torch.Tensor, k: int) -> list[int]:
    """Indices (ascending) of the k candidates with the largest relative nearest-code margin."""
    rel = nearest_margins(vq, candidates)["relative"]
    best = np.argsort(-rel, kind="stable")[:k]
    return sorted(int(i) for i in best)


def standard_grids(token_rows: torch.Tensor, n: int, mask_id: int, seed: int = 0) -> torch.Tensor:
    """Three denoiser inputs: all MASK; a real token grid with half its positions masked; a real grid unmasked."""
    gen = torch.Generator().manual_seed(seed)
    all_mask = torch.full((n,), mask_id, dtype=torch.long)
    half = token_rows[0].clone()
    half[torch.randperm(n, generator=gen)[: n // 2]] = mask_id
    none = token_rows[1 % len(token_rows)].clone()
    return torch.stack([all_mask, half, none])


def _max_abs(a: torch.Tensor, b: torch.Tensor) -> float:
    return float((a.double() - b.double()).abs().max())


def _round_up(x: float) -> float:
    """Round up to two significant digits (e.g. 0.002314 -> 0.0024)."""
    if x <= 0:
        return x
    p = 10 ** (math.floor(math.log10(x)) - 1)
    return float(f"{math.ceil(x / p - 1e-9) * p:.2g}")


def _distances(vq: VQAutoEncoder, z: torch.Tensor) -> torch.Tensor:
    """The quantizer's own argmin criterion ||e||^2 - 2 z.e, [b, h*w, V], in z's precision."""
    b, d, h, w = z.shape
    flat = z.permute(0, 2, 3, 1).reshape(b, h * w, d)
    e = vq.quantize.embedding.weight.to(z.dtype)
    return (e * e).sum(1) - 2 * flat @ e.t()


def compute_golden(vq: VQAutoEncoder, denoiser: Transformer, inputs: GoldenInputs, float64_check: bool = True) -> dict:
    """Runs the PyTorch float32 models on the golden inputs (and float64 copies to size the tolerances)."""
    vq, denoiser = vq.float().eval(), denoiser.float().eval()
    images = inputs.encoder_images.float().contiguous()
    grids = inputs.denoiser_grids.long().contiguous()
    v = vq.cfg.codebook_size
    if grids.min() < 0 or grids.max() > v:
        raise ValueError("denoiser grids must hold ids 0..V (V = MASK)")
    with torch.no_grad():
        ids = vq.encode_ids(images)
        decoded = vq.decode_ids(ids)
        logits = denoiser(grids)
        out = {"encoder.image": images, "encoder.token_ids": ids, "decoder.token_ids": ids,
               "decoder.image": decoded, "denoiser.token_ids": grids, "denoiser.logits": logits}
        deviation = {}
        if float64_check:
            vq64, dn64 = copy.deepcopy(vq).double(), copy.deepcopy(denoiser).double()
            d32 = _distances(vq, vq.encoder(images)).double()
            d64 = _distances(vq64, vq64.encoder(images.double()))
            two = d64.topk(2, dim=-1, largest=False).values
            gap = (two[..., 1] - two[..., 0]).min(1).values
            dist_err = float((d32 - d64).abs().max())
            deviation = {
                "encoderIdsDiffer": int((d64.argmin(-1) != ids).sum()),
                "encoderDistanceError": dist_err,
                "encoderMinGap": [float(f"{g:.6g}") for g in gap],
                "decoder": _max_abs(vq64.decode_ids(ids), decoded),
                "denoiser": _max_abs(dn64(grids), logits),
            }
    return {"tensors": out, "deviation": deviation}


def write_golden(vq: VQAutoEncoder, denoiser: Transformer, inputs: GoldenInputs, golden_dir: Path,
                 tolerance: dict | None = None, float64_check: bool = True) -> dict:
    golden_dir = Path(golden_dir)
    golden_dir.mkdir(parents=True, exist_ok=True)
    result = compute_golden(vq, denoiser, inputs, float64_check)
    if result["deviation"].get("encoderIdsDiffer"):
        raise ValueError("golden encoder images include a near-tie (float64 argmin differs): pick other images")
    tol = dict(DEFAULT_TOLERANCE if tolerance is None else tolerance)
    for key in ("decoder", "denoiser"):
        if key in result["deviation"]:
            tol[key] = max(tol[key], _round_up(FLOAT64_FACTOR * result["deviation"][key]))
    tensors = {}
    for name, t in result["tensors"].items():
        arr = t.detach().cpu().numpy()
        dtype = {np.dtype("float32"): "<f4", np.dtype("int64"): "<i8"}[arr.dtype]
        file = name.replace(".", "_") + ".bin"
        (golden_dir / file).write_bytes(np.ascontiguousarray(arr, dtype=dtype).tobytes())
        tensors[name] = {"file": file, "dtype": str(arr.dtype), "shape": list(arr.shape)}
    margins = nearest_margins(vq, inputs.encoder_images)
    dev = result["deviation"]
    safety = {}
    if dev.get("encoderDistanceError"):
        safety = {"float32DistanceError": float(f"{dev['encoderDistanceError']:.6g}"),
                  "safetyFactor": float(f"{min(dev['encoderMinGap']) / dev['encoderDistanceError']:.4g}")}
    index = {
        "tensors": tensors,
        "tolerance": tol,
        "float64Deviation": result["deviation"],
        "encoderMargins": {"absolute": [float(f"{m:.6g}") for m in margins["absolute"]],
                           "relative": [float(f"{m:.6g}") for m in margins["relative"]], **safety},
        "notes": {
            "source": "PyTorch float32, eval mode, EMA weights",
            "compare": "encoder token ids exactly; decoder image and denoiser logits by max abs difference <= tolerance",
            "tolerance": "max(floor, 50 x max|float32 - float64| measured on these inputs, rounded up to 2 digits); floors 1e-3 decoder, 2e-3 denoiser",
            "encoderMargins": "per image, the smallest gap over its positions between the 2nd-nearest and nearest code's "
                              "squared distance (absolute; relative to |z|^2 + max|e|^2); safetyFactor = smallest gap / "
                              "max |float32 - float64| error of the argmin criterion ||e||^2 - 2 z.e on these inputs: an id "
                              "can flip between runtimes only if their criterion errors differ by more than the gap",
            "denoiserGrids": "row 0 all MASK; row 1 a real grid with half its positions masked; row 2 a real grid, none masked",
            **inputs.notes,
        },
    }
    (golden_dir / "golden.json").write_text(json.dumps(index, indent=2) + "\n")
    return index


def read_golden(golden_dir: Path) -> tuple[dict, dict[str, np.ndarray]]:
    golden_dir = Path(golden_dir)
    index = json.loads((golden_dir / "golden.json").read_text())
    arrays = {}
    for name, t in index["tensors"].items():
        dtype = np.dtype(t["dtype"]).newbyteorder("<")
        arrays[name] = np.frombuffer((golden_dir / t["file"]).read_bytes(), dtype=dtype).reshape(t["shape"])
    return index, arrays


def emoji_golden_inputs(vq: VQAutoEncoder, data_path: Path, k: int = 4, pool: int = 64) -> GoldenInputs:
    """k held-out emoji (of the first `pool`, those with the largest nearest-code margin) and the 3 grids."""
    from .common import to_tensor
    from .data import load

    data = load(Path(data_path))
    candidates = to_tensor(data["held_x"][:pool])
    picked = select_by_margin(vq, candidates, k)
    images = candidates[picked]
    with torch.no_grad():
        ids = vq.encode_ids(images)
    grids = standard_grids(ids, ids.shape[1], vq.cfg.codebook_size)
    names = [str(data["held_name"][i]) for i in picked] if "held_name" in data else []
    return GoldenInputs(images, grids, notes={
        "encoderImages": f"held-out images {picked} of {Path(data_path).name} key held_x (uint8/255): {names}; "
                         f"chosen among the first {pool} for the largest nearest-code margin",
        "denoiserRows": "row 1 = encoder golden image 0's tokens half masked; row 2 = image 1's tokens"})
