"""Small helpers shared by the training scripts: checkpoints, EMA, timing, logging."""
from __future__ import annotations

import copy
import json
import os
import time
from pathlib import Path

import torch


class EMA:
    """Exponential moving average of a model's parameters; the EMA copy is what gets exported."""

    def __init__(self, model: torch.nn.Module, decay: float):
        self.decay = decay
        self.model = copy.deepcopy(model).eval()
        for p in self.model.parameters():
            p.requires_grad_(False)

    @torch.no_grad()
    def update(self, model: torch.nn.Module) -> None:
        for ema_p, p in zip(self.model.parameters(), model.parameters()):
            ema_p.mul_(self.decay).add_(p.detach(), alpha=1 - self.decay)
        for ema_b, b in zip(self.model.buffers(), model.buffers()):
            ema_b.copy_(b)


def save_checkpoint(path: Path, **state) -> None:
    """Atomic write so a run killed mid-save still resumes from the previous checkpoint."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    torch.save(state, tmp)
    os.replace(tmp, path)


def load_checkpoint(path: Path) -> dict | None:
    return torch.load(path, map_location="cpu") if path.exists() else None


class Log:
    """Appends JSON lines to a run log and echoes a short line to stdout."""

    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.start = time.monotonic()

    def __call__(self, **fields) -> None:
        fields["elapsed_s"] = round(time.monotonic() - self.start, 1)
        with self.path.open("a") as f:
            f.write(json.dumps(fields) + "\n")
        print(" ".join(f"{k}={v:.4g}" if isinstance(v, float) else f"{k}={v}" for k, v in fields.items()), flush=True)


def psnr(a: torch.Tensor, b: torch.Tensor) -> float:
    """Mean PSNR in dB of images in [0,1] (each image's PSNR, then averaged)."""
    mse = ((a.clamp(0, 1) - b) ** 2).flatten(1).mean(1).clamp_min(1e-10)
    return float((10 * torch.log10(1.0 / mse)).mean())


def to_tensor(images_uint8) -> torch.Tensor:
    """uint8 [n, h, w, 3] -> float [n, 3, h, w] in [0, 1]."""
    return torch.from_numpy(images_uint8).permute(0, 3, 1, 2).float().div_(255.0)
