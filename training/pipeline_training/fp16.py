"""Float16 variant of a pack's denoiser, for GPU workers: an optional denoiser graph in the same pack.

    PYTHONPATH=training python3 -m pipeline_training.fp16 --pack models/emoji-32

Reads <pack>/denoiser.onnx (the fp32 graph named by the manifest), writes <pack>/denoiser.fp16.onnx and records it
in manifest.json as `graphs.denoiserFp16` (file, SHA-256, the same inputs/outputs as the fp32 denoiser, how it was
converted, and its parity tolerance against the fp32 golden logits), beside `graphs.denoiserInt8` when there is
one. Nothing else in the pack changes: serving picks the fp16 graph only when asked (`--precision fp16`,
`InferenceOptions.DenoiserPrecision = Float16`), and only on the CUDA provider.

What is converted: every float32 weight and constant becomes float16, so the embeddings, every MatMul (the dense
projections and the attention products), the bias Adds, the attention scale and GELU run in float16 (on a GPU:
tensor-core GEMMs, half the memory traffic). The interface stays as it was: int64 `token_ids` in (the embedding
Gather reads the float16 table), float32 `logits` out (one Cast after the head MatMul). Kept float32, each behind a
Cast in and a Cast out: LayerNormalization (its mean and variance over 256 features, and its scale and bias) and
Softmax (its exponentials and their sum over the keys): both reduce over a row, where float16's 11-bit mantissa
and 65504 range lose the most, and both are cheap beside the MatMuls.

Parity: there is no ONNX Runtime for Python here and no GPU, and ONNX Runtime's CPU provider (C#) runs most of
this graph in float32 behind Casts it inserts (it has float16 kernels for few of these operators; emoji-32: max
|diff| 0.0047, closer than real float16), so the graph is run by the NumPy interpreter (onnx_numpy.py) in float16: every tensor is rounded to float16
between operators as on the GPU, and each MatMul multiplies float16 operands with float32 accumulation, rounded to
float16 once at the end (what cuBLAS does on tensor cores). Its logits on the golden denoiser grids (all grids in
one batch, as `pipeline pack verify` runs them) against the fp32 PyTorch golden logits give the measured max
|diff| and top-1 agreement; the stated tolerance is the measured max |diff| times PARITY_FACTOR (it covers the
GPU's kernels summing in another order than NumPy: fused attention, split-K GEMMs) and the top-1 floor the
measured agreement less TOP1_SLACK, as for int8 (quantize.tolerances). `pipeline pack verify` on a GPU worker then
checks ONNX Runtime's own fp16 logits against them.
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

from .export import OPSET, check_graph, graph_io, sha256_file
from .quantize import INT8_KEY, checked_fp32_denoiser, parity, tolerances

FP16_FILE = "denoiser.fp16.onnx"
FP16_KEY = "denoiserFp16"
# Operators that reduce over a row: computed in float32 between Casts (see the module doc).
KEPT_FLOAT32 = ("LayerNormalization", "Softmax")
SCHEME = {
    "weights": "float16 (every float32 initializer and constant, LayerNormalization scale and bias excepted)",
    "activations": "float16",
    "activationScheme": ("float16 between operators, nothing scaled (a row's logits do not depend on the other rows of its "
                         "batch); MatMuls accumulate as the provider's float16 GEMM does (float32 on CUDA tensor cores)"),
    "compute": "float16: embeddings, MatMuls (projections and attention), bias Adds, attention scale, GELU",
    "keptFloat32": list(KEPT_FLOAT32),
    "interface": "int64 token_ids in, float32 logits out (Cast after the head MatMul)",
}


def _to_fp16(tensor: onnx.TensorProto) -> onnx.TensorProto:
    array = numpy_helper.to_array(tensor)
    if np.isfinite(array).all() and np.abs(array).max(initial=0) > np.finfo(np.float16).max:
        raise ValueError(f"{tensor.name}: |value| up to {np.abs(array).max()} overflows float16")
    return numpy_helper.from_array(array.astype(np.float16), tensor.name)


def convert_model(model: onnx.ModelProto) -> onnx.ModelProto:
    """A copy of the fp32 denoiser `model` with float16 weights and compute (see the module doc)."""
    model = onnx.ModelProto.FromString(model.SerializeToString())
    graph = model.graph
    taken = {n for node in graph.node for n in (*node.input, *node.output)} | {i.name for i in graph.initializer}

    def fresh(base: str) -> str:
        name, i = base, 1
        while name in taken:
            name, i = f"{base}_{i}", i + 1
        taken.add(name)
        return name

    # torch.onnx writes a parameter equal to another (e.g. two all-zero biases) once, the copies as Identity nodes; one
    # copy may feed a LayerNorm (stays float32) and another an Add (becomes float16), so each gets an initializer.
    inits = {i.name: i for i in graph.initializer}
    aliases = [n for n in graph.node if n.op_type == "Identity" and n.input[0] in inits]
    for node in aliases:
        copy = onnx.TensorProto()
        copy.CopyFrom(inits[node.input[0]])
        copy.name = node.output[0]
        graph.initializer.append(copy)
    alias_outputs = {n.output[0] for n in aliases}
    remaining = [n for n in graph.node if not (n.op_type == "Identity" and n.output[0] in alias_outputs)]
    del graph.node[:]
    graph.node.extend(remaining)
    used = {i for n in graph.node for i in n.input}
    kept_inits = [i for i in graph.initializer if i.name in used]
    del graph.initializer[:]
    graph.initializer.extend(kept_inits)

    # Parameters of the float32 operators stay float32: every input but the first (LayerNorm scale and bias).
    kept = {name for node in graph.node if node.op_type in KEPT_FLOAT32 for name in node.input[1:]}
    converted = []
    for init in graph.initializer:
        converted.append(_to_fp16(init) if init.data_type == TensorProto.FLOAT and init.name not in kept else init)
    del graph.initializer[:]
    graph.initializer.extend(converted)

    outputs = {o.name for o in graph.output if o.type.tensor_type.elem_type == TensorProto.FLOAT}
    nodes: list[onnx.NodeProto] = []
    for node in graph.node:
        if node.op_type == "Constant":
            value = next(a for a in node.attribute if a.name == "value")
            if value.t.data_type == TensorProto.FLOAT:
                value.t.CopyFrom(_to_fp16(value.t))
        if node.op_type == "Cast" and any(a.name == "to" and a.i == TensorProto.FLOAT for a in node.attribute):
            raise ValueError(f"{node.name}: a Cast to float32 in the source graph; this converter does not handle it")
        if node.op_type in KEPT_FLOAT32:
            x32, y32 = fresh(f"{node.input[0]}_fp32"), fresh(f"{node.output[0]}_fp32")
            nodes.append(helper.make_node("Cast", [node.input[0]], [x32], name=fresh(f"{node.name}_to_fp32"), to=TensorProto.FLOAT))
            y = node.output[0]
            node.input[0], node.output[0] = x32, y32
            nodes.append(node)
            if y in outputs:
                continue  # already float32, as the graph output is declared
            nodes.append(helper.make_node("Cast", [y32], [y], name=fresh(f"{node.name}_to_fp16"), to=TensorProto.FLOAT16))
            continue
        # A graph output computed in float16 (the head MatMul's logits): computed under another name, then Cast.
        casts = []
        for i, o in enumerate(node.output):
            if o in outputs:
                node.output[i] = fresh(f"{o}_fp16")
                casts.append(helper.make_node("Cast", [node.output[i]], [o], name=fresh(f"{o}_to_fp32"), to=TensorProto.FLOAT))
        nodes += [node, *casts]
    del graph.node[:]
    graph.node.extend(nodes)
    del graph.value_info[:]
    return model


def add_fp16_denoiser(pack_dir: Path, log=print) -> dict:
    """Writes <pack>/denoiser.fp16.onnx and adds graphs.denoiserFp16 to the manifest (replacing an earlier one).
    Returns the manifest entry plus `positions` (how many positions the parity was measured over)."""
    from .golden import read_golden

    pack_dir = Path(pack_dir)
    manifest_path, manifest, fp32_path = checked_fp32_denoiser(pack_dir, FP16_FILE, "convert")
    fp32 = manifest["graphs"]["denoiser"]
    fp16_model = convert_model(onnx.load(str(fp32_path)))
    fp16_path = pack_dir / FP16_FILE
    onnx.save(fp16_model, str(fp16_path))
    shapes = {t["name"]: t["shape"] for t in fp32["inputs"] + fp32["outputs"]}
    checked = check_graph(fp16_path, shapes)
    opsets = {o.domain or "ai.onnx": o.version for o in checked.opset_import}
    if opsets.get("ai.onnx") != OPSET:
        raise ValueError(f"{FP16_FILE}: opsets {opsets}")
    inputs, outputs = graph_io(checked)
    if (inputs, outputs) != (fp32["inputs"], fp32["outputs"]):
        raise ValueError(f"{FP16_FILE}: inputs/outputs {inputs} {outputs} differ from the fp32 denoiser's")

    if manifest.get("golden") is None:
        raise ValueError(f"{manifest_path} names no golden vectors: the fp16 graph's tolerance is measured on them")
    _, golden = read_golden(pack_dir / Path(manifest["golden"]).parent)
    measured = parity(fp16_model, golden["denoiser.token_ids"], golden["denoiser.logits"])
    stated = tolerances(measured)
    stated["against"] += "; fp16 logits from the NumPy interpreter (float16 tensors, float32 GEMM accumulation), not ONNX Runtime"
    entry = {
        "file": FP16_FILE,
        "sha256": sha256_file(fp16_path),
        "inputs": inputs,
        "outputs": outputs,
        "quantization": {**SCHEME, "sourceSha256": fp32["sha256"], "tool": "training/pipeline_training/fp16.py"},
        "parity": stated,
    }
    graphs = {key: value for key, value in manifest["graphs"].items() if key != FP16_KEY}
    anchor = INT8_KEY if INT8_KEY in graphs else "denoiser"
    manifest["graphs"] = {k: v for key, value in graphs.items()
                          for k, v in ([(key, value), (FP16_KEY, entry)] if key == anchor else [(key, value)])}
    manifest_path.write_text(json.dumps(manifest, indent=2) + "\n")

    log(f"{fp16_path}: {fp16_path.stat().st_size / 1e6:.2f} MB (fp32 {fp32_path.stat().st_size / 1e6:.2f} MB)")
    log(f"golden logits vs fp32: max |diff| {stated['measuredMaxAbsDiff']:.4g} (stated tolerance {stated['maxAbsDiff']}), "
        f"top-1 agreement {stated['measuredTop1Agreement']:.4f} (floor {stated['minTop1Agreement']}) "
        f"over {measured['positions']} positions (NumPy float16)")
    return {**entry, "positions": measured["positions"]}


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--pack", type=Path, required=True, help="pack folder (manifest.json, denoiser.onnx, golden/)")
    args = p.parse_args(argv)
    add_fp16_denoiser(args.pack)


if __name__ == "__main__":
    main()
