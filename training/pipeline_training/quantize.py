"""Int8 dynamic quantization of a pack's denoiser: an optional second denoiser graph in the same pack.

    PYTHONPATH=training python3 -m pipeline_training.quantize --pack models/emoji-32 [--activations per-row]

Reads <pack>/denoiser.onnx (the fp32 graph named by the manifest), writes <pack>/denoiser.int8.onnx and records
it in manifest.json as `graphs.denoiserInt8` (file, SHA-256, the same inputs/outputs as the fp32 denoiser, how
it was quantized, and its parity tolerance against the fp32 golden logits). The encoder, decoder, golden vectors
and fp32 denoiser are untouched: serving picks the int8 graph only when asked (`--precision int8`,
`InferenceOptions.DenoiserPrecision = Int8`). `export --int8` and `make_test_pack` call `add_int8_denoiser`.

What is rewritten: every MatMul whose B is a constant 2-D float initializer (the attention key/query/value/proj
projections, both MLP layers and the head: all of the transformer's dense weight products). The attention
products (activation x activation), the embedding lookups, LayerNorm, softmax and GELU stay float32.

Weights: 8-bit, symmetric (levels -127..127), one scale per output column (B's last axis), stored as uint8 with
zero point 128:
- per column, because the scale of a column multiplies only that column's dot products, so it factors out of
  the integer sum exactly and costs nothing at run time (ONNX Runtime applies it in the GEMM's output stage),
  while columns of one weight matrix span quite different ranges: a per-tensor scale sized for the largest
  column would leave the small columns a few levels. Per column, every weight is within 1/254 of its own
  column's largest |w| (the report below prints the worst case per tensor);
- symmetric, because trained weights are centred on zero; -127..127 rather than -128..127 keeps the grid
  symmetric, so w and -w quantize to q and -q;
- stored as uint8 (level + 128), so every product is uint8 x uint8: ONNX Runtime's uint8 x int8 kernels on x86
  CPUs without VNNI (AVX2; AVX-512 before Cascade Lake) add pairs of products in 16 bits with saturation
  (vpmaddubsw), which moved the tiny pack's logits by 1.9 on an AVX2 machine; its uint8 x uint8 kernels widen to
  16 bits first and are exact on every CPU, at the same precision.

Activations are quantized to uint8 at run time, inside the graph, in one of two ways (`--activations`):
- per-row (default): one scale per row (token), symmetric (scale = max |a| / 127, zero point 128), then
  com.microsoft.MatMulIntegerToFloat. Every operation stays within its row, so a job's logits, and its tokens,
  do not depend on which other jobs share its batched forward: the engine's "same seed, same tokens" holds
  under continuous batching exactly as with fp32. The bias Add stays a separate node (with a per-row A scale,
  ONNX Runtime would multiply a fused bias by it as well).
- per-tensor: com.microsoft.DynamicQuantizeMatMul, one asymmetric scale for the whole batch (its min/max).
  About 12% faster per forward here (fewer nodes; the bias folds into the operator), but a row's logits then
  depend on the other rows of the batch: the same job gives other tokens next to other jobs.
Both keep LayerNorm/GELU outputs to 8 bits; quality is measured in the pack README (FD).
`pipeline pack verify` on the serving machine checks the int8 graph against the golden logits within its stated
tolerance, so a runtime or CPU whose integer kernels compute something else is caught before it serves.

Validation: onnx.checker (full), declared inputs/outputs equal to the fp32 denoiser's, and a run of the new
graph on the golden denoiser grids (NumPy interpreter, onnx_numpy.py, which reproduces ONNX Runtime's integer
arithmetic) against the fp32 PyTorch golden logits, all grids in one batch as the verifier runs them. The
measured max |diff| times PARITY_FACTOR becomes the stated tolerance `pipeline pack verify` checks on ONNX
Runtime: the factor covers float32 rounding differences between the runtimes, which move an activation or a
row's scale across a quantization step (measured on emoji-32: ONNX Runtime 0.201 vs NumPy 0.174 for per-row;
identical for per-tensor). The top-1 agreement floor is the measured agreement less TOP1_SLACK.
"""
from __future__ import annotations

import argparse
import json
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import onnx
from onnx import helper, numpy_helper

from . import onnx_numpy
from .export import OPSET, check_graph, graph_io, sha256_file

INT8_FILE = "denoiser.int8.onnx"
INT8_KEY = "denoiserInt8"
MS_DOMAIN = "com.microsoft"
PARITY_FACTOR = 2.0
TOP1_SLACK = 0.02
WEIGHTS_SCHEME = ("8-bit, symmetric (-127..127), one scale per output column, stored as uint8 with zero point 128 "
                  "(uint8 x uint8 products: no 16-bit saturation on x86 CPUs without VNNI)")
ACTIVATION_SCHEMES = {
    "per-row": ("uint8, symmetric (zero point 128), one scale per row (token) computed at run time; "
                "com.microsoft.MatMulIntegerToFloat; a row's logits do not depend on the other rows of its batch"),
    "per-tensor": ("uint8, asymmetric, one scale per tensor (the whole batch) computed at run time; "
                   "com.microsoft.DynamicQuantizeMatMul; a row's logits depend slightly on the other rows of its batch"),
}


@dataclass
class WeightReport:
    """One quantized weight: its initializer and MatMul node, shape, largest |w|, largest |w - dequantized w|
    (absolute and relative to the largest |w| of the same column, which per-column symmetric rounding bounds by
    1/254)."""
    name: str
    node: str
    shape: tuple[int, int]
    max_abs_weight: float
    max_abs_error: float
    max_relative_error: float
    bias_folded: bool


def quantize_weight(w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """int8 q and float32 scale [columns] with w ~= q * scale: symmetric, per output column (axis 1 of B in A @ B).

    An all-zero column gets scale 1 (its q are 0), so no scale is 0 or NaN."""
    w = np.asarray(w, dtype=np.float32)
    if w.ndim != 2:
        raise ValueError(f"expected a 2-D weight, got shape {w.shape}")
    scale = (np.abs(w).max(axis=0) / np.float32(WEIGHT_LEVELS)).astype(np.float32)
    scale[scale == 0] = 1.0
    q = np.clip(np.rint(w / scale), -WEIGHT_LEVELS, WEIGHT_LEVELS).astype(np.int8)
    return q, scale


def stored_weight(q: np.ndarray) -> np.ndarray:
    """The int8 levels as the graph stores them: uint8 with zero point 128 (see WEIGHT_ZERO_POINT for why)."""
    return (q.astype(np.int16) + WEIGHT_ZERO_POINT).astype(np.uint8)


def dequantize_weight(q: np.ndarray, scale: np.ndarray) -> np.ndarray:
    return (q.astype(np.float32) * scale).astype(np.float32)


def _consumers(graph: onnx.GraphProto) -> dict[str, list[onnx.NodeProto]]:
    out: dict[str, list[onnx.NodeProto]] = {}
    for node in graph.node:
        for name in node.input:
            out.setdefault(name, []).append(node)
    return out


WEIGHT_LEVELS = 127
# Weights are stored as uint8 with this zero point (levels 1..255 for -127..127): see "stored as uint8" above.
WEIGHT_ZERO_POINT = 128
WEIGHT_ZERO_POINT_NAME = "q8_weight_zero_point"
ACTIVATION_LEVELS = 127
ACTIVATION_ZERO_POINT = 128
PER_ROW, PER_TENSOR = "per-row", "per-tensor"
ACTIVATIONS = (PER_ROW, PER_TENSOR)
_TINY = np.float32(1e-30)  # floor of a row's max |a|: an all-zero row gets a finite scale (and quantizes to 0)


class _PerRowQuantizer:
    """Emits, once per distinct activation tensor A (the key/query/value projections share one), the nodes that
    quantize it per row: scale = max(|A|, over the last axis) / 127, q = A / scale + 128 as uint8 (symmetric: zero
    point 128 for every row, as MatMulIntegerToFloat takes one A zero point), computed at run time."""

    def __init__(self, graph: onnx.GraphProto):
        self.nodes: list[onnx.NodeProto] = []
        self.inits = [numpy_helper.from_array(_TINY, "q8_tiny"),
                      numpy_helper.from_array(np.float32(1) / np.float32(ACTIVATION_LEVELS), "q8_inv_levels"),
                      numpy_helper.from_array(np.array([-1], np.int64), "q8_flat"),
                      numpy_helper.from_array(np.array(ACTIVATION_ZERO_POINT, np.uint8), "q8_zero_point")]
        self._done: dict[str, tuple[str, str]] = {}
        self._taken = {n for node in graph.node for n in (*node.input, *node.output)} | {i.name for i in graph.initializer}

    def _name(self, base: str) -> str:
        name, i = base, 1
        while name in self._taken:
            name, i = f"{base}_{i}", i + 1
        self._taken.add(name)
        return name

    def quantize(self, a: str, k: int) -> tuple[str, str]:
        """(uint8 A, per-row scale [..., 1]) names for activation `a` whose last axis has k elements."""
        if a in self._done:
            return self._done[a]
        base = a.strip("/").replace("/", "_") or "a"
        n = {key: self._name(f"{base}_q8_{key}") for key in
             ("abs", "max", "max_floor", "scale", "scale_1d", "rows", "zero_points", "shape_2d", "a_2d", "q_2d", "shape", "q")}
        self.inits.append(numpy_helper.from_array(np.array([-1, k], np.int64), n["shape_2d"]))
        zp_value = numpy_helper.from_array(np.array([ACTIVATION_ZERO_POINT], np.uint8), "value")
        self.nodes += [
            helper.make_node("Abs", [a], [n["abs"]]),
            helper.make_node("ReduceMax", [n["abs"]], [n["max"]], axes=[-1], keepdims=1),
            helper.make_node("Max", [n["max"], "q8_tiny"], [n["max_floor"]]),
            helper.make_node("Mul", [n["max_floor"], "q8_inv_levels"], [n["scale"]]),
            # QuantizeLinear is per tensor or per axis: rows become axis 0 of a 2-D view, one scale each
            helper.make_node("Reshape", [n["scale"], "q8_flat"], [n["scale_1d"]]),
            helper.make_node("Shape", [n["scale_1d"]], [n["rows"]]),
            helper.make_node("ConstantOfShape", [n["rows"]], [n["zero_points"]], value=zp_value),
            helper.make_node("Reshape", [a, n["shape_2d"]], [n["a_2d"]]),
            helper.make_node("QuantizeLinear", [n["a_2d"], n["scale_1d"], n["zero_points"]], [n["q_2d"]], axis=0),
            helper.make_node("Shape", [a], [n["shape"]]),
            helper.make_node("Reshape", [n["q_2d"], n["shape"]], [n["q"]]),
        ]
        self._done[a] = (n["q"], n["scale"])
        return self._done[a]


def quantize_model(model: onnx.ModelProto, activations: str = PER_ROW,
                   fold_bias: bool = True) -> tuple[onnx.ModelProto, list[WeightReport]]:
    """A copy of `model` with every MatMul by a constant 2-D float weight on int8 weights (see the module doc).

    activations: PER_ROW (MatMulIntegerToFloat after a per-row quantization of A; a row's result does not depend on
    the other rows) or PER_TENSOR (DynamicQuantizeMatMul). fold_bias applies to PER_TENSOR only: with a per-row A
    scale ONNX Runtime multiplies the bias by it too, so the bias Add stays a node of its own."""
    if activations not in ACTIVATIONS:
        raise ValueError(f"activations must be one of {ACTIVATIONS}, got {activations!r}")
    model = onnx.ModelProto.FromString(model.SerializeToString())
    graph = model.graph
    inits = {i.name: i for i in graph.initializer}
    # torch.onnx writes a parameter equal to another (e.g. two all-zero biases) once, the copies as Identity nodes
    aliases = {n.output[0]: n.input[0] for n in graph.node if n.op_type == "Identity" and n.input[0] in inits}
    inits.update({alias: inits[source] for alias, source in aliases.items()})
    consumers = _consumers(graph)
    outputs = {o.name for o in graph.output}
    quantized: dict[str, tuple[str, str]] = {}  # fp32 weight -> (q, scale) initializer names; B's zero point is 0 (omitted)
    new_inits: list[onnx.TensorProto] = []
    reports: list[WeightReport] = []
    # by position in graph.node (protobuf hands out a new wrapper object per access, so id() is no key)
    position = {n.output[0]: i for i, n in enumerate(graph.node)}
    removed: set[int] = set()  # folded Add nodes
    replaced: dict[int, list[onnx.NodeProto]] = {}
    rows = _PerRowQuantizer(graph) if activations == PER_ROW else None

    for index, node in enumerate(graph.node):
        if node.op_type != "MatMul" or node.domain not in ("", "ai.onnx"):
            continue
        b = node.input[1]
        init = inits.get(b)
        if init is None or len(init.dims) != 2 or init.data_type != onnx.TensorProto.FLOAT:
            continue
        w = numpy_helper.to_array(init)
        b = aliases.get(b, b)
        if b not in quantized:
            q, scale = quantize_weight(w)
            names = (f"{b}_int8", f"{b}_scale")
            new_inits += [numpy_helper.from_array(stored_weight(q), names[0]), numpy_helper.from_array(scale, names[1])]
            quantized[b] = names
            err = np.abs(dequantize_weight(q, scale) - w)
            col_max = np.abs(w).max(axis=0)
            rel = np.where(col_max > 0, err / np.where(col_max > 0, col_max, 1), 0)
            reports.append(WeightReport(b, node.name.removesuffix("/MatMul").removeprefix("/transformer/"), (int(w.shape[0]), int(w.shape[1])), float(np.abs(w).max()),
                                        float(err.max()), float(rel.max()), False))
        q_name, scale_name = quantized[b]
        name = (node.name or b) + "_int8"
        if rows is not None:
            before = len(rows.nodes)
            a_q, a_scale = rows.quantize(node.input[0], int(w.shape[0]))
            replaced[index] = rows.nodes[before:] + [helper.make_node(
                "MatMulIntegerToFloat", [a_q, q_name, a_scale, scale_name, "q8_zero_point", WEIGHT_ZERO_POINT_NAME],
                [node.output[0]],
                name=name, domain=MS_DOMAIN)]
            continue
        inputs = [node.input[0], q_name, scale_name, WEIGHT_ZERO_POINT_NAME]
        output = node.output[0]
        users = consumers.get(output, [])
        if fold_bias and output not in outputs and len(users) == 1 and users[0].op_type == "Add":
            add = users[0]
            other = add.input[1] if add.input[0] == output else add.input[0]
            bias = inits.get(other)
            if (bias is not None and bias.data_type == onnx.TensorProto.FLOAT and list(bias.dims) == [w.shape[1]]
                    and list(add.input).count(output) == 1):
                inputs.append(aliases.get(other, other))
                output = add.output[0]
                removed.add(position[add.output[0]])
                next(r for r in reports if r.name == b).bias_folded = True
        replaced[index] = [helper.make_node("DynamicQuantizeMatMul", inputs, [output], name=name, domain=MS_DOMAIN)]

    if not quantized:
        raise ValueError("no MatMul with a constant 2-D float32 weight: nothing to quantize")
    nodes = [m for i, n in enumerate(graph.node) if i not in removed for m in replaced.get(i, [n])]
    used = {i for n in nodes for i in n.input} | {o.name for o in graph.output}
    nodes = [n for n in nodes if not (n.op_type == "Identity" and n.output[0] in aliases and n.output[0] not in used)]
    del graph.node[:]
    graph.node.extend(nodes)
    new_inits.append(numpy_helper.from_array(np.array(WEIGHT_ZERO_POINT, np.uint8), WEIGHT_ZERO_POINT_NAME))
    if rows is not None:
        new_inits += rows.inits
    still_used = {i for n in graph.node for i in n.input}
    keep = [i for i in list(graph.initializer) + new_inits if i.name in still_used]
    del graph.initializer[:]
    graph.initializer.extend(keep)
    if not any(o.domain == MS_DOMAIN for o in model.opset_import):
        model.opset_import.append(helper.make_opsetid(MS_DOMAIN, 1))
    return model, reports


def parity(int8_model: onnx.ModelProto, grids: np.ndarray, fp32_logits: np.ndarray) -> dict:
    """Runs the int8 graph on all golden grids in one batch (as `pipeline pack verify` does) and compares with the
    fp32 golden logits: max |diff|, and the fraction of positions whose argmax agrees."""
    logits = onnx_numpy.run(int8_model, {"token_ids": np.ascontiguousarray(grids, dtype=np.int64)})["logits"]
    diff = float(np.abs(logits.astype(np.float64) - fp32_logits).max())
    agree = float((logits.argmax(-1) == fp32_logits.argmax(-1)).mean())
    positions = int(np.prod(fp32_logits.shape[:-1]))
    return {"maxAbsDiff": diff, "top1Agreement": agree, "positions": positions}


def _round_up(x: float, digits: int = 2) -> float:
    if x <= 0:
        return x
    p = 10 ** (math.floor(math.log10(x)) - digits + 1)
    return float(f"{math.ceil(x / p - 1e-9) * p:.{digits}g}")


def tolerances(measured: dict) -> dict:
    """The stated parity of the int8 graph: tolerances ONNX Runtime must meet on the golden grids."""
    slack = max(TOP1_SLACK, 3 / measured["positions"])
    return {
        "maxAbsDiff": _round_up(PARITY_FACTOR * measured["maxAbsDiff"]),
        "minTop1Agreement": math.floor(max(0.0, measured["top1Agreement"] - slack) * 100) / 100,
        "measuredMaxAbsDiff": float(f"{measured['maxAbsDiff']:.4g}"),
        "measuredTop1Agreement": float(f"{measured['top1Agreement']:.4f}"),
        "against": "golden denoiser.logits (fp32 PyTorch) on golden denoiser.token_ids, all grids in one batch",
    }



def checked_fp32_denoiser(pack_dir: Path, variant_file: str, verb: str) -> tuple[Path, dict, Path]:
    """The pack's manifest path, manifest and fp32 denoiser path, once the graph matches the manifest's SHA-256 and is
    not itself named like the variant about to be written from it (`verb` says what would be done to it)."""
    manifest_path = pack_dir / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    fp32 = manifest["graphs"]["denoiser"]
    fp32_path = pack_dir / fp32["file"]
    if sha256_file(fp32_path) != fp32["sha256"]:
        raise ValueError(f"{fp32_path}: SHA-256 differs from the manifest; refusing to {verb} another graph")
    if fp32["file"] == variant_file:
        raise ValueError(f"the fp32 denoiser is itself called {variant_file}")
    return manifest_path, manifest, fp32_path

def add_int8_denoiser(pack_dir: Path, activations: str = "per-row", fold_bias: bool = True, log=print) -> dict:
    """Writes <pack>/denoiser.int8.onnx and adds graphs.denoiserInt8 to the manifest (replacing an earlier one).
    Returns the manifest entry; its `weights` lists the per-tensor weight errors (not written to the manifest)."""
    from .golden import read_golden

    pack_dir = Path(pack_dir)
    manifest_path, manifest, fp32_path = checked_fp32_denoiser(pack_dir, INT8_FILE, "quantize")
    fp32 = manifest["graphs"]["denoiser"]
    model = onnx.load(str(fp32_path))
    int8_model, reports = quantize_model(model, activations, fold_bias)
    int8_path = pack_dir / INT8_FILE
    onnx.save(int8_model, str(int8_path))
    shapes = {t["name"]: t["shape"] for t in fp32["inputs"] + fp32["outputs"]}
    checked = check_graph(int8_path, shapes)
    opsets = {o.domain or "ai.onnx": o.version for o in checked.opset_import}
    if opsets.get("ai.onnx") != OPSET or opsets.get(MS_DOMAIN) != 1:
        raise ValueError(f"{INT8_FILE}: opsets {opsets}")
    inputs, outputs = graph_io(checked)
    if (inputs, outputs) != (fp32["inputs"], fp32["outputs"]):
        raise ValueError(f"{INT8_FILE}: inputs/outputs {inputs} {outputs} differ from the fp32 denoiser's")

    if manifest.get("golden") is None:
        raise ValueError(f"{manifest_path} names no golden vectors: the int8 graph's tolerance is measured on them")
    _, golden = read_golden(pack_dir / Path(manifest["golden"]).parent)
    measured = parity(int8_model, golden["denoiser.token_ids"], golden["denoiser.logits"])
    entry = {
        "file": INT8_FILE,
        "sha256": sha256_file(int8_path),
        "inputs": inputs,
        "outputs": outputs,
        "quantization": {
            "weights": WEIGHTS_SCHEME,
            "activations": activations,
            "activationScheme": ACTIVATION_SCHEMES[activations],
            "quantizedMatMuls": len([n for n in int8_model.graph.node if n.domain == MS_DOMAIN]),
            "sourceSha256": fp32["sha256"],
            "tool": "training/pipeline_training/quantize.py",
        },
        "parity": tolerances(measured),
    }
    graphs = {}
    for key, value in manifest["graphs"].items():
        if key != INT8_KEY:
            graphs[key] = value
        if key == "denoiser":
            graphs[INT8_KEY] = entry
    manifest["graphs"] = graphs
    manifest_path.write_text(json.dumps(manifest, indent=2) + "\n")

    size = int8_path.stat().st_size
    log(f"{int8_path}: {size / 1e6:.2f} MB (fp32 {fp32_path.stat().st_size / 1e6:.2f} MB), "
        f"{entry['quantization']['quantizedMatMuls']} MatMuls quantized, activations {activations}, "
        f"{sum(r.bias_folded for r in reports)} biases folded")
    log(f"{'weight (MatMul)':<34} {'shape':>9} {'max|w|':>8} {'max|err|':>9} {'rel (col)':>9}")
    for r in reports:
        log(f"{r.node or r.name:<34} {str(r.shape[0]) + 'x' + str(r.shape[1]):>9} {r.max_abs_weight:8.4f} "
            f"{r.max_abs_error:9.2e} {r.max_relative_error:9.2e}")
    p = entry["parity"]
    log(f"golden logits vs fp32: max |diff| {p['measuredMaxAbsDiff']:.4g} (stated tolerance {p['maxAbsDiff']}), "
        f"top-1 agreement {p['measuredTop1Agreement']:.4f} "
        f"(floor {p['minTop1Agreement']}) over {measured['positions']} positions")
    return {**entry, "weights": reports}


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--pack", type=Path, required=True, help="pack folder (manifest.json, denoiser.onnx, golden/)")
    p.add_argument("--activations", choices=ACTIVATIONS, default=PER_ROW,
                   help="how activations are quantized at run time (default per-row: batch-invariant results)")
    p.add_argument("--no-fold-bias", action="store_true", help="per-tensor: keep bias Adds as separate nodes")
    args = p.parse_args(argv)
    add_int8_denoiser(args.pack, args.activations, fold_bias=not args.no_fold_bias)


if __name__ == "__main__":
    main()
