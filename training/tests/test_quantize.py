"""Int8 quantization of the denoiser (quantize.py) and the NumPy ONNX interpreter that measures it (onnx_numpy.py)."""
import json
import shutil
from pathlib import Path

import numpy as np
import onnx
import pytest
import torch
from onnx import helper, numpy_helper, TensorProto

from pipeline_training import export, golden, make_test_pack, onnx_numpy, quantize

FIELDS = {"name": "tiny", "version": "0.1.0",
          "provenance": {"dataset": "none", "trainingSteps": {"vqgan": 0, "denoiser": 0}, "sourceCheckpoint": "test"},
          "license": {"weights": "CC0-1.0", "attribution": []}}


@pytest.fixture(scope="module")
def fixture_pack(repo) -> Path:
    return repo / "tests" / "fixtures" / "tiny-pack"


@pytest.fixture()
def fp32_only_pack(fixture_pack, tmp_path) -> Path:
    """A copy of the tiny pack without its int8 graph (as packs exported before it existed are)."""
    out = tmp_path / "tiny"
    shutil.copytree(fixture_pack, out)
    (out / quantize.INT8_FILE).unlink()
    manifest = json.loads((out / "manifest.json").read_text())
    del manifest["graphs"][quantize.INT8_KEY]
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    return out


# ------------------------------------------------------------------------------------------------ weights

def test_quantize_weight_is_symmetric_per_column_within_half_a_step():
    rng = np.random.default_rng(0)
    w = rng.standard_normal((64, 16)).astype(np.float32) * np.linspace(0.01, 3, 16, dtype=np.float32)
    w[:, 5] = 0  # an all-zero column
    q, scale = quantize.quantize_weight(w)
    assert q.dtype == np.int8 and scale.dtype == np.float32 and scale.shape == (16,)
    assert q.min() >= -127 and q.max() <= 127
    assert scale[5] == 1 and not q[:, 5].any()
    live = [c for c in range(16) if c != 5]
    # the largest |w| of every column lands on +-127 exactly, so each column uses its whole range
    assert (np.abs(q[:, live]).max(axis=0) == 127).all()
    err = np.abs(quantize.dequantize_weight(q, scale) - w)
    assert (err <= scale / 2 * (1 + 1e-6)).all()
    q_neg, scale_neg = quantize.quantize_weight(-w)
    assert (q_neg == -q).all() and (scale_neg == scale).all()
    with pytest.raises(ValueError):
        quantize.quantize_weight(w[None])


# ------------------------------------------------------------------------------------------------ interpreter

def test_numpy_interpreter_runs_the_fp32_denoiser_as_pytorch_does():
    _, dn, _ = make_test_pack.build_tiny_models()
    model = _export_denoiser(dn)
    tokens = torch.randint(0, 33, (3, 64), generator=torch.Generator().manual_seed(0))
    with torch.no_grad():
        expected = dn(tokens).numpy()
    logits = onnx_numpy.run(model, {"token_ids": tokens.numpy()})["logits"]
    np.testing.assert_allclose(logits, expected, atol=1e-5)


def test_numpy_interpreter_refuses_unknown_operators():
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [2])
    model = helper.make_model(helper.make_graph([helper.make_node("Celu", ["x"], ["y"])], "g", [x],
                                                [helper.make_tensor_value_info("y", TensorProto.FLOAT, [2])]))
    with pytest.raises(NotImplementedError, match="Celu"):
        onnx_numpy.run(model, {"x": np.zeros(2, np.float32)})


def test_dynamic_quantize_matmul_follows_the_runtime_formula():
    a = np.array([[-1.0, 0.5, 2.0], [0.25, -0.75, 1.5]], np.float32)
    b = np.array([[3, -1], [0, 127], [-127, 2]], np.int8)
    b_scale = np.array([0.01, 0.02], np.float32)
    bias = np.array([0.5, -0.5], np.float32)
    y = onnx_numpy.dynamic_quantize_matmul(a, b, b_scale, None, bias)
    scale = np.float32(3.0) / np.float32(255)          # range [-1, 2] includes 0
    zp = int(np.rint(1.0 / scale))                       # 85
    qa = np.clip(np.rint(a / scale) + zp, 0, 255)
    expected = ((qa - zp) @ b.astype(np.float64)) * (scale * b_scale) + bias
    np.testing.assert_allclose(y, expected, rtol=1e-6)
    np.testing.assert_allclose(y, a @ (b * b_scale) + bias, atol=0.05)  # and it approximates the float product


# ------------------------------------------------------------------------------------------------ graphs

@pytest.mark.parametrize("activations", quantize.ACTIVATIONS)
def test_quantize_model_replaces_every_weight_matmul(fixture_pack, activations):
    model = onnx.load(str(fixture_pack / "denoiser.onnx"))
    inits = {i.name for i in model.graph.initializer}
    weight_matmuls = [n for n in model.graph.node if n.op_type == "MatMul" and n.input[1] in inits]
    attention_matmuls = [n for n in model.graph.node if n.op_type == "MatMul" and n.input[1] not in inits]
    q, reports = quantize.quantize_model(model, activations)
    onnx.checker.check_model(q, full_check=True)
    ops = [n.op_type for n in q.graph.node]
    op = "MatMulIntegerToFloat" if activations == quantize.PER_ROW else "DynamicQuantizeMatMul"
    assert ops.count(op) == len(weight_matmuls) == len(reports) == 2 * 6 + 1  # 2 layers x (q, k, v, proj, mlp x2) + head
    assert ops.count("MatMul") == len(attention_matmuls)  # activation x activation products stay float32
    q_inits = {i.name: i for i in q.graph.initializer}
    assert not any(n.input[1] in q_inits and q_inits[n.input[1]].data_type == TensorProto.FLOAT
                   for n in q.graph.node if n.op_type == "MatMul")
    # uint8 x uint8 everywhere: ONNX Runtime's uint8 x int8 x86 kernels without VNNI saturate (quantize.WEIGHT_ZERO_POINT)
    quantized = [n for n in q.graph.node if n.op_type == op]
    assert all(q_inits[n.input[1]].data_type == TensorProto.UINT8 for n in quantized)
    b_zero_point = 5 if activations == quantize.PER_ROW else 3
    assert all(numpy_helper.to_array(q_inits[n.input[b_zero_point]]).tolist() == 128 for n in quantized)
    assert all(numpy_helper.to_array(q_inits[n.input[1]]).min() >= 1 for n in quantized)  # levels -127..127
    assert {o.domain: o.version for o in q.opset_import}.get(quantize.MS_DOMAIN) == 1
    assert all(r.max_relative_error <= 0.5 / 127 * (1 + 1e-5) for r in reports)
    folded = sum(r.bias_folded for r in reports)
    assert folded == (0 if activations == quantize.PER_ROW else 12)  # every Linear but the bias-free head
    if activations == quantize.PER_ROW:  # q, k and v share one quantization of their input
        assert ops.count("QuantizeLinear") == 2 * 4 + 1


def test_per_row_quantization_keeps_rows_independent_per_tensor_does_not():
    rng = np.random.default_rng(1)
    a = rng.standard_normal((2, 4, 32)).astype(np.float32)
    w = rng.standard_normal((32, 8)).astype(np.float32) * 0.1
    x = helper.make_tensor_value_info("a", TensorProto.FLOAT, ["batch", 4, 32])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, ["batch", 4, 8])
    fp32 = helper.make_model(helper.make_graph([helper.make_node("MatMul", ["a", "w"], ["y"])], "g", [x], [y],
                                               [numpy_helper.from_array(w, "w")]),
                             opset_imports=[helper.make_opsetid("", 17)])
    louder = a.copy()
    louder[1] *= 10  # the second row of the batch grows; the first is unchanged
    for activations in quantize.ACTIVATIONS:
        q, _ = quantize.quantize_model(fp32, activations)
        first = onnx_numpy.run(q, {"a": a})["y"][0]
        next_to_louder = onnx_numpy.run(q, {"a": louder})["y"][0]
        np.testing.assert_allclose(first, a[0] @ w, atol=0.03)
        if activations == quantize.PER_ROW:
            assert np.array_equal(first, next_to_louder)
        else:
            assert not np.array_equal(first, next_to_louder)


def test_quantize_model_without_weight_matmuls_refuses():
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 2])
    model = helper.make_model(helper.make_graph([helper.make_node("MatMul", ["x", "x"], ["y"])], "g", [x],
                                                [helper.make_tensor_value_info("y", TensorProto.FLOAT, [2, 2])]))
    with pytest.raises(ValueError, match="nothing to quantize"):
        quantize.quantize_model(model)
    with pytest.raises(ValueError, match="activations"):
        quantize.quantize_model(model, "per-column")


# ------------------------------------------------------------------------------------------------ packs

def test_add_int8_denoiser_writes_graph_and_manifest_entry(fp32_only_pack, validate_manifest):
    pack = fp32_only_pack
    before = json.loads((pack / "manifest.json").read_text())
    lines = []
    entry = quantize.add_int8_denoiser(pack, log=lines.append)
    manifest = export.verify_pack(pack)
    validate_manifest(manifest)
    g = manifest["graphs"]
    assert list(g) == ["encoder", "decoder", "denoiser", "denoiserInt8"]
    assert {k: v for k, v in g.items() if k != "denoiserInt8"} == before["graphs"]  # the rest is untouched
    int8 = g["denoiserInt8"]
    assert int8["file"] == "denoiser.int8.onnx" and int8["sha256"] == export.sha256_file(pack / int8["file"])
    assert (int8["inputs"], int8["outputs"]) == (g["denoiser"]["inputs"], g["denoiser"]["outputs"])
    assert int8["quantization"]["activations"] == "per-row" and int8["quantization"]["sourceSha256"] == g["denoiser"]["sha256"]
    assert int8["quantization"]["quantizedMatMuls"] == 13
    p = int8["parity"]
    assert 0 < p["measuredMaxAbsDiff"] < p["maxAbsDiff"] <= 2 * p["measuredMaxAbsDiff"] * 1.1
    assert p["minTop1Agreement"] <= p["measuredTop1Agreement"] - 0.02 + 1e-9
    # the stated figures are the int8 graph's, measured on the golden grids
    index, arrays = golden.read_golden(pack / "golden")
    logits = onnx_numpy.run(onnx.load(str(pack / int8["file"])), {"token_ids": arrays["denoiser.token_ids"].copy()})["logits"]
    assert abs(np.abs(logits - arrays["denoiser.logits"]).max() - p["measuredMaxAbsDiff"]) < 1e-3
    assert {k: v for k, v in entry.items() if k != "weights"} == int8
    assert any("max|err|" in line for line in lines) and any("top-1 agreement" in line for line in lines)
    # running it again replaces the entry with the same bytes
    quantize.add_int8_denoiser(pack, log=lambda *_: None)
    assert json.loads((pack / "manifest.json").read_text()) == manifest


def test_add_int8_denoiser_refuses_a_denoiser_the_manifest_does_not_describe(fp32_only_pack):
    with (fp32_only_pack / "denoiser.onnx").open("ab") as f:
        f.write(b"\0")
    with pytest.raises(ValueError, match="SHA-256"):
        quantize.add_int8_denoiser(fp32_only_pack, log=lambda *_: None)
    assert not (fp32_only_pack / quantize.INT8_FILE).exists()


def test_verify_pack_detects_an_altered_int8_graph(fixture_pack, tmp_path):
    out = tmp_path / "copy"
    shutil.copytree(fixture_pack, out)
    with (out / quantize.INT8_FILE).open("ab") as f:
        f.write(b"\0")
    with pytest.raises(ValueError, match="sha256"):
        export.verify_pack(out)


def test_committed_int8_graphs_are_reproducible(repo, fixture_pack, tmp_path):
    """The committed int8 graphs are what quantize.py makes from the committed fp32 graphs, byte for byte (after
    check_graph, whose full onnx.checker pass writes the inferred shapes into the file, as for every pack graph)."""
    for pack in (fixture_pack, repo / "models" / "emoji-32"):
        manifest = json.loads((pack / "manifest.json").read_text())
        int8 = manifest["graphs"]["denoiserInt8"]
        q, _ = quantize.quantize_model(onnx.load(str(pack / manifest["graphs"]["denoiser"]["file"])),
                                       int8["quantization"]["activations"])
        path = tmp_path / f"{manifest['name']}.onnx"
        onnx.save(q, str(path))
        export.check_graph(path, {t["name"]: t["shape"] for t in int8["inputs"] + int8["outputs"]})
        assert export.sha256_file(path) == int8["sha256"] == export.sha256_file(pack / int8["file"]), pack


def test_export_pack_with_int8(tmp_path, validate_manifest):
    vq, dn, gen = make_test_pack.build_tiny_models()
    manifest = export.export_pack(vq, dn, tmp_path / "p", FIELDS, make_test_pack.tiny_golden_inputs(vq, gen), int8=True)
    assert manifest == json.loads((tmp_path / "p" / "manifest.json").read_text())
    validate_manifest(manifest)
    export.verify_pack(tmp_path / "p")
    assert (tmp_path / "p" / manifest["graphs"]["denoiserInt8"]["file"]).exists()
    plain = export.export_pack(vq, dn, tmp_path / "q", FIELDS, make_test_pack.tiny_golden_inputs(vq, gen))
    assert "denoiserInt8" not in plain["graphs"] and not (tmp_path / "q" / quantize.INT8_FILE).exists()


def _export_denoiser(dn) -> onnx.ModelProto:
    import tempfile

    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "dn.onnx"
        n, v = dn.cfg.block_size, dn.cfg.codebook_size
        export.export_graph(export.DenoiserGraph(dn), torch.zeros(2, n, dtype=torch.long), path, "token_ids", "logits",
                            {"token_ids": ["batch", n], "logits": ["batch", n, v]})
        return onnx.load(str(path))
