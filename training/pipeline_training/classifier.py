"""Small CNN classifier on the 10 emoji categories: the feature space of our Fréchet distance (docs/architecture.md §6).

FID needs Inception weights we cannot download, so FD is measured in the penultimate layer of this network
instead: `features(images)` -> 128-d global-average-pooled activations of the last conv block.

    nice -n 10 /usr/bin/python3 -m pipeline_training.classifier            # -> training/runs/emoji32/classifier.pt

Trained on the train split with horizontal flips and +-2 px shifts (white padding) as augmentation; the
held-out accuracy is printed and stored in the checkpoint. Deterministic for a given seed and thread count.
"""
from __future__ import annotations

import argparse
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from .common import save_checkpoint, to_tensor
from .data import load


@dataclass(frozen=True)
class ClassifierConfig:
    n_classes: int = 10
    widths: tuple[int, ...] = (32, 64, 128)
    img_size: int = 32

    @property
    def feature_dim(self) -> int:
        return self.widths[-1]


def _block(cin: int, cout: int) -> nn.Sequential:
    return nn.Sequential(nn.Conv2d(cin, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(inplace=True),
                         nn.Conv2d(cout, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(inplace=True))


class EmojiClassifier(nn.Module):
    def __init__(self, cfg: ClassifierConfig):
        super().__init__()
        self.cfg = cfg
        layers: list[nn.Module] = []
        cin = 3
        for i, w in enumerate(cfg.widths):
            layers.append(_block(cin, w))
            if i != len(cfg.widths) - 1:
                layers.append(nn.MaxPool2d(2))
            cin = w
        self.body = nn.Sequential(*layers)
        self.drop = nn.Dropout(0.2)
        self.head = nn.Linear(cfg.feature_dim, cfg.n_classes)

    def features(self, images: torch.Tensor) -> torch.Tensor:
        """images [b, 3, H, W] in [0, 1] -> penultimate features [b, feature_dim]."""
        return self.body(images - 0.5).mean((2, 3))

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        return self.head(self.drop(self.features(images)))


@torch.no_grad()
def features(model: EmojiClassifier, images: torch.Tensor, batch: int = 500) -> torch.Tensor:
    """Penultimate features of images [n, 3, H, W] in [0, 1] (clamped), in eval mode, batched. float64 [n, d]."""
    model.eval()
    out = [model.features(images[i:i + batch].clamp(0, 1)) for i in range(0, len(images), batch)]
    return torch.cat(out).double() if out else torch.zeros(0, model.cfg.feature_dim, dtype=torch.float64)


@torch.no_grad()
def accuracy(model: EmojiClassifier, images: torch.Tensor, labels: torch.Tensor, batch: int = 500) -> float:
    model.eval()
    pred = torch.cat([model(images[i:i + batch]).argmax(1) for i in range(0, len(images), batch)])
    return float((pred == labels).float().mean())


def augment(x: torch.Tensor, gen: torch.Generator, shift: int = 2) -> torch.Tensor:
    """Random horizontal flip and +-shift px translation (padding with white, the emoji background)."""
    b, _, h, w = x.shape
    flip = torch.rand(b, generator=gen) < 0.5
    x = torch.where(flip.view(b, 1, 1, 1), x.flip(3), x)
    if shift:
        padded = F.pad(x, (shift, shift, shift, shift), value=1.0)
        dy = torch.randint(0, 2 * shift + 1, (b,), generator=gen)
        dx = torch.randint(0, 2 * shift + 1, (b,), generator=gen)
        x = torch.stack([padded[i, :, dy[i]:dy[i] + h, dx[i]:dx[i] + w] for i in range(b)])
    return x


def train_classifier(train_x: np.ndarray, train_y: np.ndarray, held_x: np.ndarray, held_y: np.ndarray,
                     n_classes: int, epochs: int = 5, batch: int = 64, lr: float = 2e-3, seed: int = 0,
                     widths: tuple[int, ...] = (32, 64, 128), max_steps: int | None = None,
                     log=print, on_epoch=None) -> tuple[EmojiClassifier, dict]:
    """Trains on uint8 [n, H, W, 3] images; returns the model (eval mode) and a summary dict.
    on_epoch(model, summary) is called after every epoch (e.g. to save a usable intermediate checkpoint)."""
    torch.manual_seed(seed)
    gen = torch.Generator().manual_seed(seed)
    cfg = ClassifierConfig(n_classes=n_classes, widths=tuple(widths), img_size=int(train_x.shape[1]))
    model = EmojiClassifier(cfg)
    x, y = to_tensor(train_x), torch.from_numpy(np.asarray(train_y)).long()
    hx, hy = to_tensor(held_x), torch.from_numpy(np.asarray(held_y)).long()
    steps_per_epoch = max(1, len(x) // batch)
    total = epochs * steps_per_epoch if max_steps is None else min(max_steps, epochs * steps_per_epoch)
    opt = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=5e-4)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=lr, total_steps=max(total, 1), pct_start=0.15)
    start, step = time.monotonic(), 0
    while step < total:
        model.train()
        perm = torch.randperm(len(x), generator=gen)
        for i in range(steps_per_epoch):
            if step >= total:
                break
            idx = perm[i * batch:(i + 1) * batch]
            loss = F.cross_entropy(model(augment(x[idx], gen)), y[idx], label_smoothing=0.05)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            sched.step()
            step += 1
        held_acc = accuracy(model, hx, hy) if len(hx) else float("nan")
        log(f"classifier step {step}/{total} loss {float(loss):.3f} held-out acc {held_acc:.3f} "
            f"({time.monotonic() - start:.0f} s)")
        if on_epoch is not None and step < total:
            on_epoch(model, {"steps": step, "held_accuracy": held_acc, "partial": True,
                             "seconds": round(time.monotonic() - start, 1)})
    model.eval()
    summary = {"steps": step, "train_accuracy": accuracy(model, x, y),
               "held_accuracy": accuracy(model, hx, hy) if len(hx) else float("nan"),
               "seconds": round(time.monotonic() - start, 1)}
    return model, summary


def save_classifier(path: Path, model: EmojiClassifier, summary: dict, categories) -> None:
    save_checkpoint(path, config=asdict(model.cfg), model=model.state_dict(), summary=summary,
                    categories=[str(c) for c in categories])


def load_classifier(path: Path) -> tuple[EmojiClassifier, dict]:
    state = torch.load(path, map_location="cpu")
    cfg = state["config"]
    model = EmojiClassifier(ClassifierConfig(n_classes=cfg["n_classes"], widths=tuple(cfg["widths"]),
                                             img_size=cfg["img_size"]))
    model.load_state_dict(state["model"])
    return model.eval(), state


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data", type=Path, default=Path("training/data/emoji32.npz"))
    p.add_argument("--out", type=Path, default=Path("training/runs/emoji32/classifier.pt"))
    p.add_argument("--epochs", type=int, default=5)
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--lr", type=float, default=2e-3)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--threads", type=int, default=2)
    args = p.parse_args(argv)
    torch.set_num_threads(args.threads)
    data = load(args.data)
    model, summary = train_classifier(data["train_x"], data["train_category"], data["held_x"], data["held_category"],
                                      n_classes=len(data["categories"]), epochs=args.epochs, batch=args.batch,
                                      lr=args.lr, seed=args.seed,
                                      on_epoch=lambda m, summ: save_classifier(args.out, m, summ, data["categories"]))
    save_classifier(args.out, model, summary, data["categories"])
    print(f"classifier: held-out accuracy {summary['held_accuracy']:.3f}, train {summary['train_accuracy']:.3f}, "
          f"{summary['steps']} steps, {summary['seconds']} s -> {args.out}")


if __name__ == "__main__":
    main()
