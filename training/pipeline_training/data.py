"""Emoji data set for the embedded `emoji-32` pack.

Fetches the Noto (google) and Twemoji (twitter) image sets with `npm pack`, flattens alpha onto white,
downsizes 64 -> 32 with a box filter (exact 2x2 average: antialiased and deterministic), and splits
train / held-out by *base* emoji so skin-tone variants (and both art styles) of one emoji never sit on
both sides. Output is one compressed .npz outside git.
"""
from __future__ import annotations

import argparse
import hashlib
import io
import json
import subprocess
import tarfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

PACKAGES = ("emoji-datasource-google@16.0.0", "emoji-datasource-twitter@16.0.0")
SKIN_TONES = {"1f3fb", "1f3fc", "1f3fd", "1f3fe", "1f3ff"}
IMAGE_SIZE = 32


@dataclass(frozen=True)
class EmojiImage:
    name: str  # e.g. "google/1f385-1f3fb"
    base: str  # code points without skin tones, e.g. "1f385"
    category: str
    png: bytes


def base_key(image_name: str) -> str:
    """The emoji's identity for splitting: code points with skin-tone modifiers removed."""
    points = Path(image_name).stem.lower().split("-")
    return "-".join(p for p in points if p not in SKIN_TONES)


def flatten_and_resize(png: bytes, size: int = IMAGE_SIZE) -> np.ndarray:
    """RGBA PNG -> uint8 [size, size, 3] RGB on white."""
    with Image.open(io.BytesIO(png)) as img:
        rgba = img.convert("RGBA")
    white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
    rgb = Image.alpha_composite(white, rgba).convert("RGB")
    if rgb.size != (size, size):
        rgb = rgb.resize((size, size), Image.BOX)
    return np.asarray(rgb, dtype=np.uint8)


def held_out(base: str, fraction: float) -> bool:
    """Deterministic split by hash of the base emoji (stable across machines and Python versions)."""
    digest = hashlib.sha256(base.encode()).digest()
    return int.from_bytes(digest[:4], "big") / 2**32 < fraction


def read_package(tgz: Path) -> list[EmojiImage]:
    """Reads one emoji-datasource tarball: every 64px image with its category."""
    with tarfile.open(tgz, "r:gz") as tar:
        names = {m.name: m for m in tar.getmembers()}
        meta = json.load(tar.extractfile(names["package/emoji.json"]))
        art = next(n.split("/")[2] for n in names if n.startswith("package/img/") and "/64/" in n)
        out: list[EmojiImage] = []
        for entry in meta:
            variants = [entry] + list((entry.get("skin_variations") or {}).values())
            for v in variants:
                if not v.get(f"has_img_{art}"):
                    continue
                member = names.get(f"package/img/{art}/64/{v['image']}")
                if member is None:
                    continue
                png = tar.extractfile(member).read()
                out.append(EmojiImage(f"{art}/{Path(v['image']).stem}", base_key(entry["image"]), entry["category"], png))
    return out


def fetch_packages(cache: Path) -> list[Path]:
    cache.mkdir(parents=True, exist_ok=True)
    paths = []
    for spec in PACKAGES:
        name, version = spec.rsplit("@", 1)
        path = cache / f"{name}-{version}.tgz"
        if not path.exists():
            subprocess.run(["npm", "pack", spec, "--silent"], cwd=cache, check=True, stdout=subprocess.DEVNULL)
        paths.append(path)
    return paths


def build_dataset(images: list[EmojiImage], held_fraction: float = 0.1) -> dict[str, np.ndarray]:
    images = sorted(images, key=lambda e: e.name)
    categories = sorted({e.category for e in images})
    split = {"train": [], "held": []}
    for e in images:
        split["held" if held_out(e.base, held_fraction) else "train"].append(e)
    arrays: dict[str, np.ndarray] = {"categories": np.array(categories)}
    for side, items in split.items():
        arrays[f"{side}_x"] = np.stack([flatten_and_resize(e.png) for e in items]) if items else np.zeros((0, IMAGE_SIZE, IMAGE_SIZE, 3), np.uint8)
        arrays[f"{side}_category"] = np.array([categories.index(e.category) for e in items], dtype=np.int64)
        arrays[f"{side}_name"] = np.array([e.name for e in items])
        arrays[f"{side}_base"] = np.array([e.base for e in items])
    return arrays


def load(path: Path) -> dict[str, np.ndarray]:
    with np.load(path) as data:
        return {k: data[k] for k in data.files}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cache", type=Path, default=Path("training/.cache"))
    parser.add_argument("--out", type=Path, default=Path("training/data/emoji32.npz"))
    parser.add_argument("--held-fraction", type=float, default=0.1)
    args = parser.parse_args()
    images = [img for tgz in fetch_packages(args.cache) for img in read_package(tgz)]
    arrays = build_dataset(images, args.held_fraction)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(args.out, **arrays)
    overlap = set(arrays["train_base"]) & set(arrays["held_base"])
    print(f"train {len(arrays['train_x'])}, held-out {len(arrays['held_x'])}, "
          f"categories {len(arrays['categories'])}, base overlap {len(overlap)} -> {args.out}")


if __name__ == "__main__":
    main()
