"""Float16 denoiser (fp16.py) and the float16 arithmetic of the NumPy interpreter that measures its parity."""
import json
import shutil
from pathlib import Path

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper, numpy_helper

from pipeline_training import export, fp16, golden, onnx_numpy, quantize


@pytest.fixture(scope="module")
def fixture_pack(repo) -> Path:
    return repo / "tests" / "fixtures" / "tiny-pack"


@pytest.fixture()
def pack_copy(fixture_pack, tmp_path) -> Path:
    out = tmp_path / "tiny"
    shutil.copytree(fixture_pack, out)
    return out


def _fp16_denoiser(pack: Path) -> tuple[onnx.ModelProto, onnx.ModelProto]:
    fp32 = onnx.load(str(pack / "denoiser.onnx"))
    return fp32, fp16.convert_model(fp32)


def test_convert_keeps_the_interface_and_the_row_reductions_in_float32(fixture_pack):
    fp32, model = _fp16_denoiser(fixture_pack)
    onnx.checker.check_model(model, full_check=True)
    io = lambda m: [(v.name, v.type.tensor_type.elem_type) for v in (*m.graph.input, *m.graph.output)]
    assert io(model) == io(fp32) == [("token_ids", TensorProto.INT64), ("logits", TensorProto.FLOAT)]
    kept = {name for n in model.graph.node if n.op_type in fp16.KEPT_FLOAT32 for name in n.input[1:]}
    for init in model.graph.initializer:
        if init.data_type in (TensorProto.FLOAT, TensorProto.FLOAT16):
            assert (init.data_type == TensorProto.FLOAT) == (init.name in kept), init.name
    producers = {o: n for n in model.graph.node for o in n.output}
    for node in model.graph.node:
        if node.op_type in fp16.KEPT_FLOAT32:
            cast = producers[node.input[0]]
            assert cast.op_type == "Cast" and cast.attribute[0].i == TensorProto.FLOAT
    assert producers["logits"].op_type == "Cast" and producers["logits"].attribute[0].i == TensorProto.FLOAT
    assert not any(init.data_type == TensorProto.FLOAT and init.name not in kept for init in model.graph.initializer)


def test_interpreter_keeps_float16_tensors_float16(fixture_pack):
    _, model = _fp16_denoiser(fixture_pack)
    _, arrays = golden.read_golden(fixture_pack / "golden")
    values = {i.name: numpy_helper.to_array(i) for i in model.graph.initializer}
    onnx_numpy._evaluate(model, values, {"token_ids": arrays["denoiser.token_ids"].astype(np.int64)})
    ops = {o: n.op_type for n in model.graph.node for o in n.output}
    for name, value in values.items():
        if value.dtype.kind == "f" and name in ops and ops[name] in ("MatMul", "Add", "Mul", "Div", "Erf"):
            assert value.dtype == np.float16, (name, ops[name], value.dtype)
    assert values["logits"].dtype == np.float32


def test_float16_matmul_accumulates_in_float32():
    # 3000 ones: summed in float16 the total would stop at 2048 (2049 is not a float16); in float32 it is exact,
    # and 3000 is a float16.
    a = np.ones((1, 3000), np.float16)
    b = np.ones((3000, 1), np.float16)
    assert onnx_numpy._matmul(a, b).dtype == np.float16
    assert onnx_numpy._matmul(a, b)[0, 0] == 3000
    batched = onnx_numpy._matmul(np.ones((2, 1, 3000), np.float16), b)
    assert batched.shape == (2, 1, 1) and (batched == 3000).all()


def test_parity_is_close_but_not_exact_and_catches_a_broken_graph(fixture_pack):
    fp32, model = _fp16_denoiser(fixture_pack)
    _, arrays = golden.read_golden(fixture_pack / "golden")
    grids, logits = arrays["denoiser.token_ids"], arrays["denoiser.logits"]
    p = quantize.parity(model, grids, logits)
    assert 0 < p["maxAbsDiff"] < 0.05 and p["top1Agreement"] >= 0.98
    assert quantize.parity(fp32, grids, logits)["maxAbsDiff"] < 1e-4 < p["maxAbsDiff"]
    # the head's weights halved: the parity function sees it
    head = next(n for n in reversed(model.graph.node) if n.op_type == "MatMul").input[1]
    broken = onnx.ModelProto.FromString(model.SerializeToString())
    init = next(i for i in broken.graph.initializer if i.name == head)
    init.CopyFrom(numpy_helper.from_array((numpy_helper.to_array(init) / 2).astype(np.float16), head))
    assert quantize.parity(broken, grids, logits)["maxAbsDiff"] > 10 * p["maxAbsDiff"]


def test_add_fp16_denoiser_writes_graph_and_manifest_entry(pack_copy, validate_manifest):
    before = json.loads((pack_copy / "manifest.json").read_text())
    lines = []
    entry = fp16.add_fp16_denoiser(pack_copy, log=lines.append)
    manifest = export.verify_pack(pack_copy)
    validate_manifest(manifest)
    g = manifest["graphs"]
    assert list(g) == ["encoder", "decoder", "denoiser", "denoiserInt8", "denoiserFp16"]
    assert {k: v for k, v in g.items() if k != "denoiserFp16"} == before["graphs"]
    e = g["denoiserFp16"]
    assert e["file"] == fp16.FP16_FILE and e["sha256"] == export.sha256_file(pack_copy / e["file"])
    assert (e["inputs"], e["outputs"]) == (g["denoiser"]["inputs"], g["denoiser"]["outputs"])
    assert e["quantization"]["sourceSha256"] == g["denoiser"]["sha256"] and e["quantization"]["keptFloat32"] == ["LayerNormalization", "Softmax"]
    p = e["parity"]
    assert 0 < p["measuredMaxAbsDiff"] < p["maxAbsDiff"] and p["minTop1Agreement"] <= p["measuredTop1Agreement"]
    assert "NumPy" in p["against"]
    assert {k: v for k, v in entry.items() if k != "positions"} == e
    assert any("top-1 agreement" in line for line in lines)
    fp16.add_fp16_denoiser(pack_copy, log=lambda *_: None)  # again: the same entry, not a second one
    assert json.loads((pack_copy / "manifest.json").read_text()) == manifest


def test_add_fp16_denoiser_without_int8_follows_the_denoiser(pack_copy, validate_manifest):
    manifest = json.loads((pack_copy / "manifest.json").read_text())
    del manifest["graphs"][quantize.INT8_KEY]
    (pack_copy / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    fp16.add_fp16_denoiser(pack_copy, log=lambda *_: None)
    written = export.verify_pack(pack_copy)
    validate_manifest(written)
    assert list(written["graphs"]) == ["encoder", "decoder", "denoiser", "denoiserFp16"]


def test_add_fp16_denoiser_refuses_a_denoiser_the_manifest_does_not_describe(pack_copy):
    with (pack_copy / "denoiser.onnx").open("ab") as f:
        f.write(b"\0")
    with pytest.raises(ValueError, match="SHA-256"):
        fp16.add_fp16_denoiser(pack_copy, log=lambda *_: None)
    assert not (pack_copy / fp16.FP16_FILE).exists()


def test_committed_fp16_graph_is_reproducible(repo, tmp_path):
    """models/emoji-32's fp16 graph is what fp16.py makes from its fp32 graph, byte for byte (after check_graph)."""
    pack = repo / "models" / "emoji-32"
    manifest = json.loads((pack / "manifest.json").read_text())
    entry = manifest["graphs"]["denoiserFp16"]
    path = tmp_path / "fp16.onnx"
    onnx.save(fp16.convert_model(onnx.load(str(pack / manifest["graphs"]["denoiser"]["file"]))), str(path))
    export.check_graph(path, {t["name"]: t["shape"] for t in entry["inputs"] + entry["outputs"]})
    assert export.sha256_file(path) == entry["sha256"] == export.sha256_file(pack / entry["file"])


def test_convert_refuses_a_weight_beyond_float16():
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 2])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 2])
    w = numpy_helper.from_array(np.array([[1e6, 0], [0, 1]], np.float32), "w")
    model = helper.make_model(helper.make_graph([helper.make_node("MatMul", ["x", "w"], ["y"])], "g", [x], [y], [w]))
    with pytest.raises(ValueError, match="overflows float16"):
        fp16.convert_model(model)
