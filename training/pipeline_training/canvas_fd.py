"""Canvas quality (docs/canvas.md): FD of model-size, token-aligned crops of canvas generations against the held-out set,
beside ordinary model-size generations at the same steps and sample count.

    PYTHONPATH=training nice -n 10 /usr/bin/python3 -m pipeline_training.canvas_fd --count 200 \
        --set model-32x32=/tmp/fd/model-32x32-s1000 --set wide-96x32=/tmp/fd/wide-96x32-s5000 \
        --set square-64x64=/tmp/fd/square-64x64-s9000 [--crops cycle|all|X,Y[;X,Y...]]

The folders are PNGs written by the C# engine (`pipeline generate [--size WxH] --steps S --out DIR`); every PNG of a
folder must have one size (a multiple of the token size, at least the model's). Crops are model-size (the held-out
images' size) at token-aligned offsets (multiples of `--token`, 4 for emoji-32):
- `cycle` (default): image i gives one crop, at the (i mod K)-th of the K offsets (row-major), so `--count` crops come
  from `--count` different images and every offset is used about equally (a model-size image has one offset: itself);
- `all`: every offset of every image, in order, until `--count` (crops of one image are correlated: FD reads lower
  diversity as worse, so compare `all` only with `all`);
- `X,Y[;X,Y...]`: those pixel offsets, cycled as above (image i at the (i mod K)-th given), e.g. `32,0` the middle
  third of every 96x32 canvas, or `0,0;16,0;32,0;48,0;64,0` the windows the sampler ran at its default stride.
A model-size image is its own one crop under every mode. Every set contributes exactly `--count` crops (a set with fewer stops the run): FD falls as the sample count grows, so
only equal counts compare. A real-data row, `--count` train images against the held-out set, is the floor at that
count. FD is evaluate.py's (classifier.py's 128-d penultimate features, training/data/emoji32.npz held-out set).

Resumable: each row is appended to `--out` (JSON lines) keyed by the set's files (names, sizes, mtimes), crop mode,
count and classifier; a rerun scores only what changed.
"""
from __future__ import annotations

import argparse
import hashlib
import json
from pathlib import Path

import numpy as np
import torch
from PIL import Image

from .classifier import features, load_classifier
from .common import to_tensor
from .data import load
from .evaluate import frechet_distance

TOOL = "training/pipeline_training/canvas_fd.py"


def crop_offsets(width: int, height: int, crop: int, token: int) -> list[tuple[int, int]]:
    """Every token-aligned (x, y) at which a crop x crop square fits inside a width x height canvas, row-major."""
    if crop % token or width % token or height % token:
        raise ValueError(f"canvas {width}x{height} and crop {crop} must be multiples of the token size {token}")
    if width < crop or height < crop:
        raise ValueError(f"canvas {width}x{height} is smaller than the crop {crop}")
    return [(x, y) for y in range(0, height - crop + 1, token) for x in range(0, width - crop + 1, token)]


def parse_mode(text: str) -> str | list[tuple[int, int]]:
    if text in ("cycle", "all"):
        return text
    try:
        return [tuple(int(v) for v in pair.split(",")) for pair in text.split(";")]  # type: ignore[misc]
    except ValueError:
        raise argparse.ArgumentTypeError(f"--crops: 'cycle', 'all' or X,Y[;X,Y...], got {text!r}") from None


def plan_crops(n_images: int, width: int, height: int, crop: int, token: int, mode, count: int) -> list[tuple[int, int, int]]:
    """(image index, x, y) of the first `count` crops that `mode` takes from n_images canvases of one size."""
    offsets = crop_offsets(width, height, crop, token)
    if len(offsets) == 1:  # a model-size image is its own crop, whatever the mode
        mode = "cycle"
    if mode == "cycle":
        plan = [(i, *offsets[i % len(offsets)]) for i in range(n_images)]
    elif mode == "all":
        plan = [(i, x, y) for i in range(n_images) for x, y in offsets]
    else:
        bad = [o for o in mode if o not in offsets]
        if bad:
            raise ValueError(f"offsets {bad} are not token-aligned crops of a {width}x{height} canvas (token {token}, crop {crop})")
        plan = [(i, *mode[i % len(mode)]) for i in range(n_images)]
    if len(plan) < count:
        raise ValueError(f"{len(plan)} crops from {n_images} images of {width}x{height} ({mode_label(mode)}); --count is {count}")
    return plan[:count]


def mode_label(mode) -> str:
    return mode if isinstance(mode, str) else ";".join(f"{x},{y}" for x, y in mode)


def read_rgb(path: Path) -> np.ndarray:
    """uint8 [h, w, 3], alpha flattened onto white (as the data set and evaluate.read_png_folder do)."""
    with Image.open(path) as img:
        rgba = img.convert("RGBA")
    white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
    return np.asarray(Image.alpha_composite(white, rgba).convert("RGB"))


def canvas_pngs(folder: Path) -> list[Path]:
    """The folder's generations, sorted by name (the CLI's contact-sheet.png is not one)."""
    return sorted(p for p in Path(folder).glob("*.png") if p.name != "contact-sheet.png")


def folder_crops(folder: Path, crop: int, token: int, mode, count: int) -> tuple[torch.Tensor, dict]:
    """`count` crops [count, 3, crop, crop] in [0, 1] of a folder's canvases, and what was taken."""
    paths = canvas_pngs(folder)
    if not paths:
        raise ValueError(f"{folder}: no PNG")
    with Image.open(paths[0]) as first:
        width, height = first.size
    plan = plan_crops(len(paths), width, height, crop, token, mode, count)
    cache: dict[int, np.ndarray] = {}
    crops = []
    for i, x, y in plan:
        if i not in cache:
            cache = {i: read_rgb(paths[i])}
            if cache[i].shape[:2] != (height, width):
                raise ValueError(f"{paths[i]} is {cache[i].shape[1]}x{cache[i].shape[0]}, not {width}x{height} like {paths[0].name}")
        crops.append(cache[i][y:y + crop, x:x + crop])
    info = {"canvas": f"{width}x{height}", "images": len({i for i, _, _ in plan}), "offsets": len({(x, y) for _, x, y in plan})}
    return to_tensor(np.stack(crops)), info


def folder_key(folder: Path) -> str:
    h = hashlib.sha256()
    for p in canvas_pngs(folder):
        st = p.stat()
        h.update(f"{p.name}:{st.st_size}:{int(st.st_mtime)}\n".encode())
    return h.hexdigest()[:16]


def run(sets: list[tuple[str, Path]], data_path: Path, classifier_path: Path, out: Path, count: int, mode, token: int,
        seed: int = 0, log=print) -> list[dict]:
    done: dict[str, dict] = {}
    if out.exists():
        for line in out.read_text().splitlines():
            if line.strip():
                row = json.loads(line)
                done[row["key"]] = row
    data = load(data_path)
    held = to_tensor(data["held_x"])
    crop = held.shape[-1]
    classifier, state = load_classifier(classifier_path)
    f_held = None
    cls_key = f"{classifier_path}:{int(Path(classifier_path).stat().st_mtime)}"
    rows = []

    def score(key: dict, make) -> dict:
        nonlocal f_held
        text = json.dumps(key, sort_keys=True)
        if text in done:
            return done[text]
        if f_held is None:
            f_held = features(classifier, held)
        images, info = make()
        row = {"key": text, **info, "crops": len(images), "fd": round(frechet_distance(features(classifier, images), f_held), 4)}
        out.parent.mkdir(parents=True, exist_ok=True)
        with out.open("a") as f:
            f.write(json.dumps(row) + "\n")
        done[text] = row
        return row

    def real():
        pick = torch.randperm(len(data["train_x"]), generator=torch.Generator().manual_seed(seed + 7))[:count]
        return to_tensor(data["train_x"][pick.numpy()]), {"canvas": f"{crop}x{crop}", "images": count, "offsets": 1}

    floor = score({"set": "train", "count": count, "seed": seed, "classifier": cls_key, "data": data_path.name}, real)
    rows.append({"set": f"{count} train images (real data at this count)", "folder": str(data_path), **_public(floor)})
    for name, folder in sets:
        key = {"set": name, "folder": str(folder), "files": folder_key(folder), "count": count, "mode": mode_label(mode),
               "token": token, "classifier": cls_key}
        row = score(key, lambda folder=folder: folder_crops(folder, crop, token, mode, count))
        rows.append({"set": name, "folder": str(folder), **_public(row)})
    acc = state.get("summary", {}).get("held_accuracy")
    log(f"FD against the {len(held)} held-out images of {data_path.name}, {count} crops of {crop}x{crop} per set "
        f"(crops: {mode_label(mode)}, token {token} px), features of {classifier_path} "
        f"(held-out accuracy {'n/a' if acc is None else f'{acc:.3f}'}); lower is better")
    log("| set | canvas | images | offsets | crops | FD |\n|---|---|---:|---:|---:|---:|")
    for r in rows:
        log(f"| {r['set']} | {r['canvas']} | {r['images']} | {r['offsets']} | {r['crops']} | {r['fd']:.3f} |")
    return rows


def _public(row: dict) -> dict:
    return {k: v for k, v in row.items() if k != "key"}


def parse_set(text: str) -> tuple[str, Path]:
    name, sep, folder = text.partition("=")
    if not sep or not name or not folder:
        raise argparse.ArgumentTypeError(f"--set NAME=DIR, got {text!r}")
    return name, Path(folder)


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--set", dest="sets", type=parse_set, action="append", required=True, metavar="NAME=DIR",
                   help="a folder of PNGs of one size (repeat)")
    p.add_argument("--count", type=int, default=200, help="crops per set (every set gives exactly this many)")
    p.add_argument("--crops", type=parse_mode, default="cycle", help="cycle (default), all, or X,Y[;X,Y...]")
    p.add_argument("--token", type=int, default=4, help="pixels per token (emoji-32: 4)")
    p.add_argument("--data", type=Path, default=Path("training/data/emoji32.npz"))
    p.add_argument("--classifier", type=Path, default=Path("training/runs/emoji32/classifier.pt"))
    p.add_argument("--out", type=Path, default=Path("training/runs/emoji32/canvas_fd/scores.jsonl"))
    p.add_argument("--json", type=Path, help="also write this run's table here")
    p.add_argument("--threads", type=int, default=1)
    args = p.parse_args(argv)
    torch.set_num_threads(args.threads)
    rows = run(args.sets, args.data, args.classifier, args.out, args.count, args.crops, args.token)
    if args.json:
        args.json.write_text(json.dumps({"tool": TOOL, "count": args.count, "crops": mode_label(args.crops), "rows": rows}, indent=2) + "\n")


if __name__ == "__main__":
    main()
