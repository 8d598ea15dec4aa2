"""A pack's own graphs as the callables sampler.py and evaluate.py use, for when the training run's checkpoints are
not at hand (tune_schedule.py scores sampler settings on exactly the weights the pack serves).

- `load_denoiser(pack, "fp32")`: the fp32 denoiser.onnx loaded back into `transformer.Transformer` (initializer
  names are the module's; the weight products torch.onnx folded into `onnx::MatMul_*` constants are matched to their
  Linear by the bias the next Add adds, and the head by being the last). Same arithmetic as the graph up to float
  rounding (checked against the pack's golden logits: `golden_max_diff`). A graph whose initializers do not name
  every parameter (torch.onnx merges equal ones, as in a random-init test pack) runs in onnx_numpy instead.
- `load_denoiser(pack, "int8")`: denoiser.int8.onnx run by the NumPy interpreter (onnx_numpy), which follows ONNX
  Runtime's quantized kernels.
- `load_decoder(pack)`: vq_decoder.onnx run by onnx_numpy; `decode(ids)` -> images [b, 3, H, W] in [0, 1].
"""
from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import onnx
import torch
from onnx import numpy_helper

from . import onnx_numpy
from .transformer import DenoiserConfig, Transformer


def _manifest(pack: Path) -> dict:
    return json.loads((pack / "manifest.json").read_text())


def _denoiser_config(manifest: dict) -> DenoiserConfig:
    arch = manifest["provenance"]["architecture"]["denoiser"]
    return DenoiserConfig(**{k: arch[k] for k in ("codebook_size", "block_size", "n_layers", "n_emb", "n_head")})


def _torch_state_from_onnx(model: onnx.ModelProto, n_layers: int) -> dict[str, torch.Tensor]:
    inits = {i.name: numpy_helper.to_array(i) for i in model.graph.initializer}
    state = {}
    for name, value in inits.items():
        if name.startswith("transformer."):
            state[name[len("transformer."):]] = torch.from_numpy(np.array(value))
    consumers: dict[str, list[onnx.NodeProto]] = {}
    for node in model.graph.node:
        for i in node.input:
            consumers.setdefault(i, []).append(node)
    folded = [n for n in model.graph.node if n.op_type == "MatMul" and n.input[1] in inits
              and not n.input[1].startswith("transformer.")]
    for node in folded:
        weight = inits[node.input[1]]
        adds = [c for c in consumers.get(node.output[0], []) if c.op_type == "Add"]
        bias = next((i for a in adds for i in a.input if i.startswith("transformer.") and i.endswith(".bias")), None)
        if bias is None:
            if weight.shape[1] != model.graph.output[0].type.tensor_type.shape.dim[-1].dim_value:
                raise ValueError(f"cannot place weight {node.input[1]} {weight.shape}")
            key = "head.weight"
        else:
            key = bias[len("transformer."):-len(".bias")] + ".weight"
        state[key] = torch.from_numpy(np.array(weight.T))
    state.setdefault("start_tok", torch.zeros(1, 1, state["pos_emb"].shape[-1]))
    return state


class _NumpyDenoiser:
    """The int8 graph behind the sampler's model interface: ids [b, N] -> logits [b, N, V] (torch)."""

    def __init__(self, model: onnx.ModelProto, cfg: DenoiserConfig):
        self.graph = onnx_numpy.Graph(model)
        self.cfg = cfg

    def __call__(self, ids: torch.Tensor) -> torch.Tensor:
        out = self.graph.run({"token_ids": ids.numpy().astype(np.int64)})
        return torch.from_numpy(next(iter(out.values())))

    def eval(self):
        return self


def load_denoiser(pack: Path, precision: str = "fp32"):
    manifest = _manifest(pack)
    cfg = _denoiser_config(manifest)
    key = {"fp32": "denoiser", "int8": "denoiserInt8"}[precision]
    model = onnx.load(str(pack / manifest["graphs"][key]["file"]))
    if precision == "int8":
        return _NumpyDenoiser(model, cfg)
    dn = Transformer(cfg)
    try:
        state = _torch_state_from_onnx(model, cfg.n_layers)
    except (KeyError, ValueError):
        state = {}
    missing, unexpected = dn.load_state_dict(state, strict=False)
    if unexpected or [m for m in missing if m != "start_tok"]:
        # torch.onnx shares initializers with equal values (a random-init pack's zero biases, unit LayerNorms), so
        # not every graph names every parameter: run such a graph as it is, slower
        return _NumpyDenoiser(model, cfg)
    return dn.eval()


class PackDecoder:
    def __init__(self, pack: Path):
        manifest = _manifest(pack)
        spec = manifest["graphs"]["decoder"]
        self.graph = onnx_numpy.Graph(onnx.load(str(pack / spec["file"])))
        # a schemaVersion 2 decoder takes the token grid [b, h, w] (dynamic spatial axes); version 1 takes [b, N]
        rank = len(spec["inputs"][0]["shape"])
        self.grid = (manifest["latent"]["height"], manifest["latent"]["width"]) if rank == 3 else None

    @torch.no_grad()
    def decode(self, ids: torch.Tensor, batch: int = 250) -> torch.Tensor:
        grid = ids if self.grid is None else ids.reshape(len(ids), *self.grid)
        parts = [self.graph.run({"token_ids": grid[i:i + batch].numpy().astype(np.int64)})["image"]
                 for i in range(0, len(ids), batch)]
        return torch.from_numpy(np.concatenate(parts))


def load_decoder(pack: Path) -> PackDecoder:
    return PackDecoder(pack)


def golden_max_diff(pack: Path, denoiser) -> float:
    """Max |logits - golden logits| of `denoiser` on the pack's golden denoiser inputs."""
    golden = json.loads((pack / "golden" / "golden.json").read_text())["tensors"]

    def tensor(name):
        t = golden[name]
        return np.fromfile(pack / "golden" / t["file"], dtype=t["dtype"]).reshape(t["shape"])

    with torch.no_grad():
        logits = denoiser(torch.from_numpy(tensor("denoiser.token_ids")))
    return float(np.abs(logits.numpy() - tensor("denoiser.logits")).max())
