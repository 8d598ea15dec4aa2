"""Gives an exported pack's VQGAN graphs dynamic spatial axes (manifest schemaVersion 1 -> 2), without the checkpoints.

    python3 -m pipeline_training.dynamic_codec --pack models/emoji-32

Why a graph rewrite and not a re-export: the training checkpoints are not kept in the repository, but the ONNX
graphs are, and the VQGAN is convolutional (plus GroupNorm and the middle attention block, which torch.onnx
already exported with shapes read at run time). Only two things pin the size, and both sit at the token end:

- vq_encoder.onnx ends in ArgMin over [batch, h*w, V] -> token_ids [batch, h*w]; a Reshape to the encoder's own
  latent shape [batch, h, w] (read with Shape at run time) is appended: token_ids [batch, gridHeight, gridWidth].
- vq_decoder.onnx starts with Gather(codebook, token_ids) -> Reshape(batch, 8, 8, d): the Reshape (with its
  constant 8 x 8) is dropped, since the Gather of a [batch, gh, gw] grid already is [batch, gh, gw, d].

The declared inputs/outputs become image [batch, 3, height, width] and token_ids [batch, gridHeight, gridWidth];
every weight and every other node is untouched, so at the model's size the graphs compute what they did (checked
bit for bit on ONNX Runtime by the Pipeline.Inference tests and by `pipeline pack verify` against the golden
vectors). The manifest gets schemaVersion 2, the new shapes and SHA-256s. The denoiser is not touched.

Canvas golden vectors (written by the same command, `--golden-only` for a pack already converted): the PyTorch
VQGAN, rebuilt from the graphs' own weights, encodes two golden images side by side and decodes a seeded 9 x 13
token grid (neither a multiple nor a square of the model's grid); golden.json gains `canvas.encoder.image`,
`canvas.encoder.token_ids`, `canvas.decoder.token_ids` and `canvas.decoder.image`, checked against the dynamic ONNX
graphs by the Pipeline.Inference tests (within the pack's decoder tolerance; ids exactly).
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

import onnx
from onnx import helper

from .export import DECODER_FILE, ENCODER_FILE, check_graph, graph_io, sha256_file

BATCH, HEIGHT, WIDTH, GRID_H, GRID_W = "batch", "height", "width", "gridHeight", "gridWidth"
IMAGE_SHAPE = [BATCH, 3, HEIGHT, WIDTH]
GRID_SHAPE = [BATCH, GRID_H, GRID_W]
SCHEMA_VERSION = 2


def _set_dims(value_info, dims: list) -> None:
    shape = value_info.type.tensor_type.shape
    del shape.dim[:]
    for d in dims:
        dim = shape.dim.add()
        if isinstance(d, str):
            dim.dim_param = d
        else:
            dim.dim_value = d


def _prune_dead_nodes(graph: onnx.GraphProto) -> None:
    needed = {o.name for o in graph.output}
    keep = []
    for node in reversed(graph.node):
        if any(o in needed for o in node.output):
            keep.append(node)
            needed.update(i for i in node.input if i)
    dead = len(graph.node) - len(keep)
    del graph.node[:]
    graph.node.extend(reversed(keep))
    if dead < 0:
        raise AssertionError("pruning added nodes")


def dynamic_encoder(model: onnx.ModelProto) -> onnx.ModelProto:
    """token_ids [batch, h*w] -> [batch, gridHeight, gridWidth], image input with symbolic height/width."""
    g = model.graph
    argmin = [n for n in g.node if "token_ids" in n.output]
    if len(argmin) != 1 or argmin[0].op_type != "ArgMin":
        raise ValueError("encoder: expected token_ids to be produced by one ArgMin")
    # The latent z [batch, d, h, w]: the tensor the quantizer transposes to [batch, h, w, d] before the distances.
    latent = [n for n in g.node if n.op_type == "Transpose"
              and list(helper.get_attribute_value(n.attribute[0])) == [0, 2, 3, 1]]
    if len(latent) != 1:
        raise ValueError(f"encoder: expected one Transpose [0, 2, 3, 1] (the quantizer's), found {len(latent)}")
    z = latent[0].input[0]
    argmin[0].output[0] = "token_ids_flat"
    indices = helper.make_tensor("canvas/latent_axes", onnx.TensorProto.INT64, [3], [0, 2, 3])
    g.initializer.append(indices)
    g.node.extend([
        helper.make_node("Shape", [z], ["canvas/latent_shape"], name="canvas/Shape"),
        helper.make_node("Gather", ["canvas/latent_shape", "canvas/latent_axes"], ["canvas/grid_shape"], name="canvas/Gather", axis=0),
        helper.make_node("Reshape", ["token_ids_flat", "canvas/grid_shape"], ["token_ids"], name="canvas/Reshape"),
    ])
    _set_dims(g.input[0], IMAGE_SHAPE)
    _set_dims(g.output[0], GRID_SHAPE)
    del g.value_info[:]
    return model


def dynamic_decoder(model: onnx.ModelProto) -> onnx.ModelProto:
    """token_ids [batch, gridHeight, gridWidth] in, image [batch, 3, height, width] out: the fixed Reshape goes."""
    g = model.graph
    lookup = [n for n in g.node if n.op_type == "Gather" and "token_ids" in n.input]
    if len(lookup) != 1:
        raise ValueError("decoder: expected one Gather of token_ids (the codebook lookup)")
    embedded = lookup[0].output[0]
    reshape = [n for n in g.node if n.op_type == "Reshape" and n.input[0] == embedded]
    if len(reshape) != 1:
        raise ValueError("decoder: expected one Reshape of the looked-up codes")
    pinned = reshape[0].output[0]
    for node in g.node:
        for i, name in enumerate(node.input):
            if name == pinned:
                node.input[i] = embedded
    g.node.remove(reshape[0])
    _prune_dead_nodes(g)
    _set_dims(g.input[0], GRID_SHAPE)
    _set_dims(g.output[0], IMAGE_SHAPE)
    del g.value_info[:]
    return model


def convert_pack(pack: Path) -> dict:
    """Rewrites the pack's encoder and decoder in place and updates manifest.json; returns the manifest."""
    manifest_path = pack / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    if manifest["schemaVersion"] >= SCHEMA_VERSION:
        raise SystemExit(f"{pack}: already schemaVersion {manifest['schemaVersion']}")
    for key, file, rewrite, shapes in (
            ("encoder", ENCODER_FILE, dynamic_encoder, {"image": IMAGE_SHAPE, "token_ids": GRID_SHAPE}),
            ("decoder", DECODER_FILE, dynamic_decoder, {"token_ids": GRID_SHAPE, "image": IMAGE_SHAPE})):
        spec = manifest["graphs"][key]
        path = pack / spec["file"]
        model = rewrite(onnx.load(str(path)))
        onnx.save(model, str(path))
        check_graph(path, shapes)
        inputs, outputs = graph_io(onnx.load(str(path)))
        spec.update({"sha256": sha256_file(path), "inputs": inputs, "outputs": outputs})
    manifest["schemaVersion"] = SCHEMA_VERSION
    manifest_path.write_text(json.dumps(manifest, indent=2) + "\n")
    return manifest


def vqgan_from_graphs(pack: Path, manifest: dict):
    """The PyTorch VQGAN of a pack, its weights read back from vq_encoder.onnx and vq_decoder.onnx.

    torch.onnx keeps parameter names ("vq.encoder.blocks.3.conv1.weight"), except GroupNorm's affine weight and
    bias, which it folds into initializers feeding the norm's Mul and Add nodes: those are found by node name
    ("/generator/blocks.3/norm1/Mul" -> generator.blocks.3.norm1.weight; when several norms hold equal values, as in
    a randomly initialised pack, the exporter stores them once and passes them on through Identity nodes). Every parameter the forward pass uses must
    be found (the unused conv_out of equal-width ResBlocks is the only one allowed missing).
    """
    import torch
    from onnx import numpy_helper

    from .export import _config
    from .vqgan import VQAutoEncoder, VQGANConfig

    vq = VQAutoEncoder(_config(VQGANConfig, manifest["provenance"]["architecture"]["vqgan"])).eval()
    found = {}
    for key in ("encoder", "decoder"):
        graph = onnx.load(str(pack / manifest["graphs"][key]["file"])).graph
        inits = {i.name: numpy_helper.to_array(i) for i in graph.initializer}
        # Equal values are stored once and passed on through Identity nodes.
        inits.update({n.output[0]: inits[n.input[0]] for n in graph.node if n.op_type == "Identity" and n.input[0] in inits})
        found.update({name[3:]: a for name, a in inits.items() if name.startswith("vq.")})
        for node in graph.node:
            if node.op_type in ("Mul", "Add") and "/" in node.name:
                for name in node.input:
                    if name in inits:
                        module = node.name.strip("/").rsplit("/", 1)[0].replace("/", ".")
                        found[f"{module}.{'weight' if node.op_type == 'Mul' else 'bias'}"] = inits[name].reshape(-1)
    state = vq.state_dict()
    missing = [k for k in state if k not in found and ".conv_out." not in k]
    if missing:
        raise ValueError(f"weights not found in the graphs: {missing}")
    vq.load_state_dict({k: torch.tensor(found[k]).reshape(state[k].shape) if k in found else state[k] for k in state})
    return vq


def write_canvas_golden(pack: Path) -> dict:
    """Adds the canvas.* golden tensors (see the module docstring) to the pack's golden vectors."""
    import numpy as np
    import torch

    manifest = json.loads((pack / "manifest.json").read_text())
    vq = vqgan_from_graphs(pack, manifest)
    folder = (pack / manifest["golden"]).parent
    index_path = pack / manifest["golden"]
    index = json.loads(index_path.read_text())

    def read(name):
        t = index["tensors"][name]
        return np.fromfile(folder / t["file"], dtype=t["dtype"]).reshape(t["shape"])

    images = read("encoder.image")
    # The rebuilt model must reproduce the pack's own model-size golden outputs before it writes canvas ones.
    with torch.no_grad():
        same_ids = vq.encode_ids(torch.tensor(images)).numpy()
        decoded = vq.decode_ids(torch.tensor(read("decoder.token_ids"))).numpy()
    if not (same_ids == read("encoder.token_ids").reshape(same_ids.shape)).all():
        raise ValueError("the VQGAN rebuilt from the graphs does not reproduce the golden encoder ids")
    deviation = float(np.abs(decoded - read("decoder.image")).max())
    if deviation > index["tolerance"]["decoder"]:
        raise ValueError(f"the VQGAN rebuilt from the graphs is {deviation} from the golden decoder image")
    wide = np.concatenate([images[0], images[1 % len(images)]], axis=2)[None]          # [1, 3, H, 2W]
    gen = torch.Generator().manual_seed(0)
    grid = torch.randint(0, manifest["codebookSize"], (1, 9, 13), generator=gen)
    with torch.no_grad():
        z = vq.encoder(torch.tensor(wide))
        ids = vq.quantize.nearest(z).reshape(1, z.shape[2], z.shape[3])
        image = vq.generator(vq.quantize.embedding(grid).permute(0, 3, 1, 2))
    tensors = {"canvas.encoder.image": torch.tensor(wide), "canvas.encoder.token_ids": ids,
               "canvas.decoder.token_ids": grid, "canvas.decoder.image": image}
    for name, value in tensors.items():
        array = value.numpy()
        file = name.replace(".", "_") + ".bin"
        array.tofile(folder / file)
        index["tensors"][name] = {"file": file, "dtype": str(array.dtype), "shape": list(array.shape)}
    index_path.write_text(json.dumps(index, indent=2) + "\n")
    return index


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--pack", type=Path, required=True)
    p.add_argument("--golden-only", action="store_true", help="only (re)write the canvas golden vectors of a converted pack")
    args = p.parse_args(argv)
    if args.golden_only:
        write_canvas_golden(args.pack)
        print(f"{args.pack}: canvas golden vectors written")
        return
    manifest = convert_pack(args.pack)
    write_canvas_golden(args.pack)
    print(f"{args.pack}: schemaVersion {manifest['schemaVersion']}, encoder {manifest['graphs']['encoder']['sha256'][:12]}, "
          f"decoder {manifest['graphs']['decoder']['sha256'][:12]}")


if __name__ == "__main__":
    main()
