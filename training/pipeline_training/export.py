"""Export a trained run (EMA VQGAN + EMA denoiser) as a model pack: three ONNX graphs, golden vectors, manifest.

    python3 -m pipeline_training.export --run training/runs/emoji32 --out models/emoji-32 \
        [--quality q.json] [--name emoji-32 --version 1.0.0] [--int8]

The pack contract (docs/architecture.md §2, schemas/model-pack.schema.json):
- vq_encoder.onnx: image float32 [batch,3,H,W] in [0,1] -> token_ids int64 [batch,N] (nearest code, row-major)
- vq_decoder.onnx: token_ids int64 [batch,N] (0..V-1) -> image float32 [batch,3,H,W], unclamped
- denoiser.onnx:   token_ids int64 [batch,N] (0..V, V = MASK) -> logits float32 [batch,N,V]
- denoiser.int8.onnx (optional, `--int8`): the same denoiser with int8 weights (quantize.py), same signature
Opset 17; axis 0 ("batch") is dynamic. schemaVersion 1 pins every other declared dimension to its static size;
schemaVersion 2 (the emoji export's default; `export_pack(dynamic_spatial=True)`) gives the encoder and decoder
dynamic spatial axes: image [batch,3,"height","width"] <-> token_ids [batch,"gridHeight","gridWidth"] (dynamic_codec.py).

`export_pack` is the reusable entry point; the paper exporter (paper_export.py) and the tiny test pack
(make_test_pack.py) call it with their own models, manifest fields and golden inputs.
"""
from __future__ import annotations

import argparse
import copy
import hashlib
import json
import shutil
import tempfile
from dataclasses import asdict
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import onnx
import torch
import torch.nn as nn

from .golden import GoldenInputs, write_golden
from .transformer import DenoiserConfig, Transformer
from .vqgan import VQAutoEncoder, VQGANConfig

OPSET = 17
BATCH = "batch"
ENCODER_FILE, DECODER_FILE, DENOISER_FILE = "vq_encoder.onnx", "vq_decoder.onnx", "denoiser.onnx"

EMOJI_NOTICE = """\
emoji-32 model pack: NOTICE

The weights in this pack were trained by the Pipeline project on 32x32 renderings of two emoji image sets.
They are derived from the following works, whose licences and attribution requirements apply:

- Noto Emoji, Copyright Google Inc. and contributors. Licensed under the Apache License, Version 2.0
  (https://www.apache.org/licenses/LICENSE-2.0). https://github.com/googlefonts/noto-emoji
- Twemoji, Copyright Twitter, Inc (X Corp.) and other contributors. Graphics licensed under CC-BY 4.0
  (https://creativecommons.org/licenses/by/4.0/). https://github.com/twitter/twemoji (now jdecked/twemoji)
- The images were obtained from the npm packages emoji-datasource-google@16.0.0 and
  emoji-datasource-twitter@16.0.0 by Cal Henderson (iamcal), MIT License.
  https://github.com/iamcal/emoji-data

Changes: images flattened onto white, downscaled from 64x64 to 32x32; a VQGAN and a discrete absorbing
diffusion transformer were trained on them. Generated images may resemble the original artwork.
The method follows Bond-Taylor et al., "Unleashing Transformers" (ECCV 2022), reference code
https://github.com/samb-t/unleashing-transformers (MIT License).
"""

EMOJI_LICENSE = {
    "weights": "Apache-2.0 AND CC-BY-4.0",
    "attribution": [
        "Noto Emoji by Google (Apache-2.0)",
        "Twemoji by Twitter/X and contributors (CC-BY-4.0)",
        "emoji-datasource-google and emoji-datasource-twitter npm packages by iamcal (MIT)",
    ],
    "noticeFile": "NOTICE",
}


# --------------------------------------------------------------------------------------------- graphs

class EncoderGraph(nn.Module):
    """image [b,3,H,W] in [0,1] -> token_ids [b,N] int64 (encoder + nearest-code argmin)."""

    def __init__(self, vq: VQAutoEncoder):
        super().__init__()
        self.vq = vq

    def forward(self, image):
        return self.vq.encode_ids(image)


class DecoderGraph(nn.Module):
    """token_ids [b,N] int64 -> image [b,3,H,W] float32, unclamped (codebook lookup + generator)."""

    def __init__(self, vq: VQAutoEncoder):
        super().__init__()
        self.vq = vq

    def forward(self, token_ids):
        return self.vq.decode_ids(token_ids)


class DenoiserGraph(nn.Module):
    """token_ids [b,N] int64 (0..V, V = MASK) -> logits [b,N,V] float32."""

    def __init__(self, transformer: Transformer):
        super().__init__()
        self.transformer = transformer

    def forward(self, token_ids):
        return self.transformer(token_ids)


def _dims(value_info) -> list:
    out = []
    for d in value_info.type.tensor_type.shape.dim:
        out.append(d.dim_value if d.HasField("dim_value") else (d.dim_param or "?"))
    return out


_ONNX_DTYPES = {onnx.TensorProto.FLOAT: "float32", onnx.TensorProto.INT64: "int64"}


def pin_static_shapes(model: onnx.ModelProto, shapes: dict[str, list[int]]) -> None:
    """Declares every graph input/output as [batch, static...]: axis 0 named "batch", the rest fixed sizes.

    The tracer leaves symbolic names (e.g. "Reshapetoken_ids_dim_1") on dimensions it computed from shapes;
    serving needs them static. Intermediate value_info is dropped so no stale symbolic dim contradicts the
    pinned ones (runtimes re-infer it).
    """
    for vi in list(model.graph.input) + list(model.graph.output):
        want = shapes[vi.name]
        dims = vi.type.tensor_type.shape.dim
        if len(dims) != len(want):
            raise ValueError(f"{vi.name}: rank {len(dims)} != expected {len(want)} ({_dims(vi)})")
        for d, size in zip(dims, want):
            if size == BATCH:
                d.Clear()
                d.dim_param = BATCH
            else:
                if d.HasField("dim_value") and d.dim_value != size:
                    raise ValueError(f"{vi.name}: exporter says {_dims(vi)}, expected {want}")
                d.Clear()
                d.dim_value = size
    del model.graph.value_info[:]


def graph_io(model: onnx.ModelProto) -> tuple[list[dict], list[dict]]:
    """The manifest's inputs/outputs entries, read back from the graph itself."""
    init_names = {i.name for i in model.graph.initializer}

    def entry(vi):
        return {"name": vi.name, "dtype": _ONNX_DTYPES[vi.type.tensor_type.elem_type], "shape": _dims(vi)}

    return ([entry(vi) for vi in model.graph.input if vi.name not in init_names],
            [entry(vi) for vi in model.graph.output])


def check_graph(path: Path, shapes: dict[str, list]) -> onnx.ModelProto:
    """onnx.checker (full, i.e. with strict shape inference), opset and exact declared shapes/dtypes."""
    onnx.checker.check_model(str(path), full_check=True)
    model = onnx.load(str(path))
    opsets = {o.domain: o.version for o in model.opset_import}
    if opsets.get("", opsets.get("ai.onnx")) != OPSET:
        raise ValueError(f"{path.name}: opset {opsets}, expected {OPSET}")
    inputs, outputs = graph_io(model)
    declared = {t["name"]: t["shape"] for t in inputs + outputs}
    if declared != shapes:
        raise ValueError(f"{path.name}: declared shapes {declared} != expected {shapes}")
    return model


def export_graph(module: nn.Module, example: torch.Tensor, path: Path, input_name: str, output_name: str,
                 shapes: dict[str, list]) -> None:
    module = module.eval()
    with torch.no_grad():
        torch.onnx.export(module, (example,), str(path), opset_version=OPSET, do_constant_folding=True,
                          input_names=[input_name], output_names=[output_name],
                          dynamic_axes={input_name: {0: BATCH}, output_name: {0: BATCH}})
    model = onnx.load(str(path))
    pin_static_shapes(model, shapes)
    onnx.save(model, str(path))
    check_graph(path, shapes)


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def export_graphs(vq: VQAutoEncoder, denoiser: Transformer, out_dir: Path) -> dict[str, dict]:
    """Writes the three graphs; returns the manifest's `graphs` object."""
    vcfg, dcfg = vq.cfg, denoiser.cfg
    s, n, v, size = vcfg.latent_size, vcfg.latent_size ** 2, vcfg.codebook_size, vcfg.img_size
    if dcfg.codebook_size != v or dcfg.block_size != n:
        raise ValueError(f"denoiser (V={dcfg.codebook_size}, N={dcfg.block_size}) does not match VQGAN (V={v}, N={n})")
    image_shape = [BATCH, vcfg.n_channels, size, size]
    ids_shape = [BATCH, n]
    gen = torch.Generator().manual_seed(0)
    example_image = torch.rand(2, vcfg.n_channels, size, size, generator=gen)
    example_ids = torch.randint(0, v, (2, n), generator=gen)
    example_masked = torch.randint(0, v + 1, (2, n), generator=gen)
    specs = {
        "encoder": (EncoderGraph(vq), example_image, ENCODER_FILE, "image", "token_ids",
                    {"image": image_shape, "token_ids": ids_shape}),
        "decoder": (DecoderGraph(vq), example_ids, DECODER_FILE, "token_ids", "image",
                    {"token_ids": ids_shape, "image": image_shape}),
        "denoiser": (DenoiserGraph(denoiser), example_masked, DENOISER_FILE, "token_ids", "logits",
                     {"token_ids": ids_shape, "logits": [BATCH, n, v]}),
    }
    graphs = {}
    for key, (module, example, file, in_name, out_name, shapes) in specs.items():
        path = out_dir / file
        export_graph(module, example, path, in_name, out_name, shapes)
        inputs, outputs = graph_io(onnx.load(str(path), load_external_data=False))
        graphs[key] = {"file": file, "sha256": sha256_file(path), "inputs": inputs, "outputs": outputs}
    return graphs


# --------------------------------------------------------------------------------------------- pack

def export_pack(vqgan: VQAutoEncoder, denoiser: Transformer, out_dir: Path, manifest_fields: dict,
                golden_inputs: GoldenInputs, notice: str | None = None, tolerance: dict | None = None,
                int8: bool = False, dynamic_spatial: bool = False) -> dict:
    """Writes a complete pack into out_dir (replaced atomically-ish: built in a temp sibling, then renamed).

    manifest_fields: name, version and anything else of the manifest (description, sampling, provenance,
    license, quality); image/latent/codebook/mask/opset/graphs/golden are derived from the models.
    int8: also write the optional int8 denoiser (quantize.py; manifest graphs.denoiserInt8).
    dynamic_spatial: give the encoder and decoder dynamic spatial axes (manifest schemaVersion 2, dynamic_codec.py:
    the same graphs with the token end re-shaped to a [batch, gridHeight, gridWidth] grid) and add canvas golden
    vectors; otherwise schemaVersion 1, every axis but batch pinned.
    Returns the manifest.
    """
    out_dir = Path(out_dir)
    vqgan = copy.deepcopy(vqgan).float().eval()
    denoiser = copy.deepcopy(denoiser).float().eval()
    vcfg = vqgan.cfg
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", dir=out_dir.parent))
    tmp.chmod(0o755)
    try:
        graphs = export_graphs(vqgan, denoiser, tmp)
        write_golden(vqgan, denoiser, golden_inputs, tmp / "golden", tolerance=tolerance)
        manifest = {
            "schemaVersion": 1,
            "name": manifest_fields["name"],
            "version": manifest_fields["version"],
        }
        if "description" in manifest_fields:
            manifest["description"] = manifest_fields["description"]
        manifest.update({
            "image": {"width": vcfg.img_size, "height": vcfg.img_size, "channels": vcfg.n_channels, "pixelRange": [0, 1]},
            "latent": {"height": vcfg.latent_size, "width": vcfg.latent_size},
            "codebookSize": vcfg.codebook_size,
            "maskId": vcfg.codebook_size,
            "opset": OPSET,
            "graphs": graphs,
        })
        for key in ("sampling", "provenance", "license", "quality"):
            if manifest_fields.get(key) is not None:
                manifest[key] = manifest_fields[key]
        prov = manifest.setdefault("provenance", {})
        prov.setdefault("exporter", "training/pipeline_training/export.py")
        prov.setdefault("createdAt", datetime.now(timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z"))
        prov.setdefault("architecture", {"vqgan": _jsonable(asdict(vcfg)), "denoiser": _jsonable(asdict(denoiser.cfg))})
        manifest["golden"] = "golden/golden.json"
        if notice is not None:
            (tmp / manifest.get("license", {}).get("noticeFile", "NOTICE")).write_text(notice)
        (tmp / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
        if int8:
            from .quantize import add_int8_denoiser

            add_int8_denoiser(tmp, log=lambda *_: None)
            manifest = json.loads((tmp / "manifest.json").read_text())
        if dynamic_spatial:
            from .dynamic_codec import convert_pack, write_canvas_golden

            manifest = convert_pack(tmp)
            write_canvas_golden(tmp)
        if out_dir.exists():
            shutil.rmtree(out_dir)
        tmp.rename(out_dir)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return manifest


def _jsonable(obj):
    if isinstance(obj, dict):
        return {k: _jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_jsonable(v) for v in obj]
    return obj


def verify_pack(pack_dir: Path) -> dict:
    """Re-checks a written pack: graphs (the optional int8 and fp16 denoisers too) pass the checker with the manifest's
    shapes, SHA-256s match."""
    pack_dir = Path(pack_dir)
    manifest = json.loads((pack_dir / "manifest.json").read_text())
    for key, g in manifest["graphs"].items():
        path = pack_dir / g["file"]
        if sha256_file(path) != g["sha256"]:
            raise ValueError(f"{g['file']}: sha256 mismatch")
        check_graph(path, {t["name"]: t["shape"] for t in g["inputs"] + g["outputs"]})
        if key in ("denoiserInt8", "denoiserFp16") and (g["inputs"], g["outputs"]) != (manifest["graphs"]["denoiser"]["inputs"],
                                                                    manifest["graphs"]["denoiser"]["outputs"]):
            raise ValueError(f"{g['file']}: inputs/outputs differ from the fp32 denoiser's")
    golden = json.loads((pack_dir / manifest["golden"]).read_text())
    for name, t in golden["tensors"].items():
        size = (pack_dir / "golden" / t["file"]).stat().st_size
        if size != int(np.prod(t["shape"])) * np.dtype(t["dtype"]).itemsize:
            raise ValueError(f"golden {name}: {size} bytes does not match {t['shape']} {t['dtype']}")
    return manifest


# --------------------------------------------------------------------------------------------- emoji run

def _config(cls, d: dict):
    return cls(**{k: tuple(v) if isinstance(v, list) else v for k, v in d.items()})


def load_run(run: Path) -> tuple[VQAutoEncoder, Transformer, dict, dict]:
    """EMA VQGAN + EMA denoiser of a training run directory (vqgan.pt, denoiser.pt).

    The generator comes from decoder.pt when a fine-tune of this VQGAN step exists (finetune_decoder.py):
    the encoder and codebook, hence the tokens, are unchanged by it.
    """
    vq_state = torch.load(run / "vqgan.pt", map_location="cpu")
    dn_state = torch.load(run / "denoiser.pt", map_location="cpu")
    vq = VQAutoEncoder(_config(VQGANConfig, vq_state["config"]))
    vq.load_state_dict(vq_state["ema"], strict=True)
    decoder_path = run / "decoder.pt"
    if decoder_path.exists():
        decoder = torch.load(decoder_path, map_location="cpu")
        if decoder["vqgan_step"] == vq_state["step"]:
            vq.generator.load_state_dict(decoder["ema"], strict=True)
            vq_state = {**vq_state, "decoder_finetune_step": decoder["step"]}
    dn = Transformer(_config(DenoiserConfig, dn_state["config"]))
    dn.load_state_dict(dn_state["ema"], strict=True)
    if dn_state.get("vqgan_step") is not None and dn_state["vqgan_step"] != vq_state["step"]:
        raise ValueError(f"denoiser was trained on tokens of VQGAN step {dn_state['vqgan_step']}, "
                         f"but vqgan.pt is at step {vq_state['step']}: its tokens would not match")
    return vq.eval(), dn.eval(), vq_state, dn_state


def confidence_knobs(text: str) -> dict:
    """sampling.confidence from a JSON object or from a frontier.json's tuned knobs, checked by sampler.ConfidenceKnobs."""
    from .sampler import ConfidenceKnobs

    path = Path(text)
    doc = json.loads(path.read_text()) if not text.lstrip().startswith("{") and path.exists() else json.loads(text)
    knobs = doc.get("tuned", doc) if "points" in doc else doc
    return ConfidenceKnobs.from_manifest(knobs).to_manifest()


def main(argv=None) -> None:
    from .golden import emoji_golden_inputs

    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--run", type=Path, default=Path("training/runs/emoji32"))
    p.add_argument("--out", type=Path, default=Path("models/emoji-32"))
    p.add_argument("--data", type=Path, default=Path("training/data/emoji32.npz"), help="source of held-out golden images")
    p.add_argument("--quality", type=Path, help="JSON object merged into the manifest's quality")
    p.add_argument("--name", default="emoji-32")
    p.add_argument("--version", default="1.0.0")
    p.add_argument("--default-steps", type=int, default=32)
    p.add_argument("--min-steps", type=int, default=4)
    p.add_argument("--max-steps", type=int, default=256)
    p.add_argument("--default-order", default="confidence", choices=["reference", "exact-k", "confidence"])
    p.add_argument("--confidence", help="the confidence order's knobs for sampling.confidence: a JSON object "
                   "(e.g. '{\"schedule\": \"cubic\"}') or a frontier.json from tune_schedule.py (its tuned knobs)")
    p.add_argument("--frontier", type=Path, help="a frontier.json (tune_schedule.py) to ship in the pack")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--int8", action="store_true",
                   help="also write the optional int8 denoiser (denoiser.int8.onnx, graphs.denoiserInt8; see quantize.py)")
    p.add_argument("--fixed-spatial", action="store_true",
                   help="pin the encoder and decoder to the model's image size (schemaVersion 1); by default they take any "
                        "canvas size (schemaVersion 2, see dynamic_codec.py)")
    args = p.parse_args(argv)
    torch.set_num_threads(args.threads)

    vq, dn, vq_state, dn_state = load_run(args.run)
    quality = json.loads(args.quality.read_text()) if args.quality else None
    sampling = {"defaultSteps": args.default_steps, "minSteps": args.min_steps, "maxSteps": args.max_steps,
                "defaultTemperature": 1.0, "defaultOrder": args.default_order}
    if args.confidence:
        sampling["confidence"] = confidence_knobs(args.confidence)
    fields = {
        "name": args.name,
        "version": args.version,
        "description": "Discrete absorbing diffusion on VQGAN tokens, trained on 32x32 Noto Emoji + Twemoji.",
        "sampling": sampling,
        "provenance": {
            "dataset": "emoji-datasource-google@16.0.0 + emoji-datasource-twitter@16.0.0, 32x32, alpha flattened on white",
            "trainingSteps": {"vqgan": int(vq_state["step"]), "denoiser": int(dn_state["step"]),
                              **({"decoderFinetune": int(vq_state["decoder_finetune_step"])}
                                 if "decoder_finetune_step" in vq_state else {})},
            "sourceCheckpoint": f"{args.run.as_posix()} (vqgan.pt, decoder.pt, denoiser.pt; EMA weights)",
        },
        "license": EMOJI_LICENSE,
        "quality": quality,
    }
    golden = emoji_golden_inputs(vq, args.data)
    frontier = args.frontier.read_text() if args.frontier else None  # read first: --frontier may lie in --out
    manifest = export_pack(vq, dn, args.out, fields, golden, notice=EMOJI_NOTICE, int8=args.int8,
                           dynamic_spatial=not args.fixed_spatial)
    if frontier is not None:
        (args.out / "frontier.json").write_text(frontier)
    verify_pack(args.out)
    sizes = {g["file"]: (args.out / g["file"]).stat().st_size for g in manifest["graphs"].values()}
    print(f"wrote {args.out}: " + ", ".join(f"{f} {s / 1e6:.1f} MB" for f, s in sizes.items()))


if __name__ == "__main__":
    main()
