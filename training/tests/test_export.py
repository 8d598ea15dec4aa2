"""Pack export on tiny models: graphs, static shapes, checker, manifest schema, SHA-256, golden vectors."""
import json
from dataclasses import asdict
from pathlib import Path

import numpy as np
import onnx
import pytest
import torch

from pipeline_training import export, golden, make_test_pack
from pipeline_training.transformer import DenoiserConfig, Transformer
from pipeline_training.vqgan import VQAutoEncoder, VQGANConfig

FIELDS = {"name": "tiny", "version": "0.1.0",
          "provenance": {"dataset": "none", "trainingSteps": {"vqgan": 0, "denoiser": 0}, "sourceCheckpoint": "test"},
          "license": {"weights": "CC0-1.0", "attribution": []}}


@pytest.fixture(scope="module")
def tiny_pack(tmp_path_factory):
    vq, dn, gen = make_test_pack.build_tiny_models()
    out = tmp_path_factory.mktemp("packs") / "tiny"
    manifest = export.export_pack(vq, dn, out, FIELDS, make_test_pack.tiny_golden_inputs(vq, gen))
    return out, manifest, vq, dn


def test_graphs_pass_checker_with_static_shapes(tiny_pack):
    out, manifest, vq, dn = tiny_pack
    expected = {
        "encoder": ({"image": ["batch", 3, 16, 16]}, {"token_ids": ["batch", 64]}),
        "decoder": ({"token_ids": ["batch", 64]}, {"image": ["batch", 3, 16, 16]}),
        "denoiser": ({"token_ids": ["batch", 64]}, {"logits": ["batch", 64, 32]}),
    }
    for key, (ins, outs) in expected.items():
        g = manifest["graphs"][key]
        model = onnx.load(str(out / g["file"]))
        onnx.checker.check_model(model, full_check=True)
        assert {o.domain or "ai.onnx": o.version for o in model.opset_import}["ai.onnx"] == 17
        declared = {vi.name: [d.dim_param if d.dim_param else d.dim_value for d in vi.type.tensor_type.shape.dim]
                    for vi in list(model.graph.input) + list(model.graph.output)}
        assert declared == {**ins, **outs}
        assert {t["name"]: t["shape"] for t in g["inputs"]} == ins
        assert {t["name"]: t["shape"] for t in g["outputs"]} == outs
        dtypes = {vi.name: vi.type.tensor_type.elem_type for vi in list(model.graph.input) + list(model.graph.output)}
        for t in g["inputs"] + g["outputs"]:
            assert dtypes[t["name"]] == {"float32": onnx.TensorProto.FLOAT, "int64": onnx.TensorProto.INT64}[t["dtype"]]
    enc = onnx.load(str(out / "vq_encoder.onnx"))
    assert "ArgMin" in {n.op_type for n in enc.graph.node}


def test_manifest_validates_and_hashes_match(tiny_pack, validate_manifest):
    out, manifest, vq, dn = tiny_pack
    on_disk = json.loads((out / "manifest.json").read_text())
    assert on_disk == manifest
    validate_manifest(manifest)
    assert manifest["codebookSize"] == 32 and manifest["maskId"] == 32 and manifest["opset"] == 17
    assert manifest["latent"] == {"height": 8, "width": 8}
    assert manifest["image"] == {"width": 16, "height": 16, "channels": 3, "pixelRange": [0, 1]}
    for g in manifest["graphs"].values():
        assert export.sha256_file(out / g["file"]) == g["sha256"]
    assert manifest["provenance"]["architecture"]["denoiser"]["n_layers"] == 2
    export.verify_pack(out)


def test_verify_pack_detects_tampering(tiny_pack, tmp_path):
    import shutil
    out = tmp_path / "copy"
    shutil.copytree(tiny_pack[0], out)
    with (out / "denoiser.onnx").open("ab") as f:
        f.write(b"\0")
    with pytest.raises(ValueError, match="sha256"):
        export.verify_pack(out)


def test_example_manifest_validates_and_validator_rejects_bad(repo, validate_manifest, pack_schema):
    from schema_check import validate

    example = json.loads((repo / "schemas" / "model-pack.example.json").read_text())
    for g in example["graphs"].values():  # the example carries "<64 hex>" placeholders
        g["sha256"] = "0" * 64
    validate_manifest(example)
    bad = json.loads(json.dumps(example))
    bad["graphs"]["encoder"]["inputs"][0]["dtype"] = "float16"
    bad["name"] = "Emoji 32"
    bad["extra"] = 1
    del bad["maskId"]
    errors = validate(bad, pack_schema)
    assert len(errors) == 4, errors


def test_golden_vectors_match_pytorch(tiny_pack):
    out, manifest, vq, dn = tiny_pack
    index, arrays = golden.read_golden(out / "golden")
    assert set(index["tensors"]) == {"encoder.image", "encoder.token_ids", "decoder.token_ids", "decoder.image",
                                     "denoiser.token_ids", "denoiser.logits"}
    assert index["tolerance"]["decoder"] >= 1e-3 and index["tolerance"]["denoiser"] >= 2e-3
    assert arrays["encoder.image"].shape == (4, 3, 16, 16) and arrays["encoder.image"].dtype == np.float32
    assert arrays["denoiser.logits"].shape == (3, 64, 32)
    with torch.no_grad():
        ids = vq.encode_ids(torch.from_numpy(arrays["encoder.image"].copy()))
        assert (ids.numpy() == arrays["encoder.token_ids"]).all()
        assert (arrays["decoder.token_ids"] == arrays["encoder.token_ids"]).all()
        img = vq.decode_ids(torch.from_numpy(arrays["decoder.token_ids"].copy()))
        np.testing.assert_allclose(img.numpy(), arrays["decoder.image"], atol=1e-5)
        logits = dn(torch.from_numpy(arrays["denoiser.token_ids"].copy()))
        np.testing.assert_allclose(logits.numpy(), arrays["denoiser.logits"], atol=1e-5)
    grids = arrays["denoiser.token_ids"]
    assert (grids[0] == 32).all() and (grids[1] == 32).sum() == 32 and (grids[2] < 32).all()
    assert len(np.unique(arrays["encoder.token_ids"])) > 8  # the random encoder spreads over the codebook
    assert min(index["encoderMargins"]["absolute"]) > 0


def test_pin_static_shapes_replaces_symbolic_dims():
    x = onnx.helper.make_tensor_value_info("x", onnx.TensorProto.FLOAT, ["N", "Cdim", 4])
    y = onnx.helper.make_tensor_value_info("y", onnx.TensorProto.FLOAT, ["N", "Cdim", 4])
    model = onnx.helper.make_model(onnx.helper.make_graph([onnx.helper.make_node("Relu", ["x"], ["y"])], "g", [x], [y]),
                                   opset_imports=[onnx.helper.make_opsetid("", 17)])
    export.pin_static_shapes(model, {"x": ["batch", 3, 4], "y": ["batch", 3, 4]})
    assert export.graph_io(model) == ([{"name": "x", "dtype": "float32", "shape": ["batch", 3, 4]}],
                                      [{"name": "y", "dtype": "float32", "shape": ["batch", 3, 4]}])
    with pytest.raises(ValueError):
        export.pin_static_shapes(model, {"x": ["batch", 5, 4], "y": ["batch", 3, 4]})


def test_committed_tiny_pack_is_valid_and_reproducible(repo, validate_manifest):
    """tests/fixtures/tiny-pack (used by the C# parity tests) validates, its hashes hold, and rebuilding the
    seeded models reproduces its golden outputs."""
    pack = repo / "tests" / "fixtures" / "tiny-pack"
    manifest = export.verify_pack(pack)
    validate_manifest(manifest)
    assert sum(f.stat().st_size for f in pack.rglob("*") if f.is_file()) < 1_200_000
    vq, dn, _ = make_test_pack.build_tiny_models()
    assert manifest["provenance"]["architecture"] == {"vqgan": export._jsonable(asdict(vq.cfg)),
                                                      "denoiser": export._jsonable(asdict(dn.cfg))}
    index, arrays = golden.read_golden(pack / "golden")
    with torch.no_grad():
        ids = vq.encode_ids(torch.from_numpy(arrays["encoder.image"].copy()))
        img = vq.decode_ids(torch.from_numpy(arrays["decoder.token_ids"].copy()))
        logits = dn(torch.from_numpy(arrays["denoiser.token_ids"].copy()))
    assert (ids.numpy() == arrays["encoder.token_ids"]).all()
    assert np.abs(img.numpy() - arrays["decoder.image"]).max() < index["tolerance"]["decoder"] / 10
    assert np.abs(logits.numpy() - arrays["denoiser.logits"]).max() < index["tolerance"]["denoiser"] / 10


def _save_run(run: Path, vq: VQAutoEncoder, dn: Transformer, vq_step=7, dn_step=5, vqgan_step=7):
    run.mkdir(parents=True)
    torch.save({"config": asdict(vq.cfg), "model": vq.state_dict(), "ema": vq.state_dict(), "opt": {}, "rng": None,
                "step": vq_step}, run / "vqgan.pt")
    torch.save({"config": asdict(dn.cfg), "model": dn.state_dict(), "ema": dn.state_dict(), "opt": {}, "rng": None,
                "step": dn_step, "vqgan_step": vqgan_step}, run / "denoiser.pt")


@pytest.fixture(scope="module")
def emoji_like_run(tmp_path_factory):
    """A training-run folder as train_vqgan / train_denoiser write it, at 32 px, and a tiny emoji-like npz."""
    root = tmp_path_factory.mktemp("run")
    vq_cfg = VQGANConfig(img_size=32, nf=32, ch_mult=(1, 1), res_blocks=1, codebook_size=32, emb_dim=8)
    dn_cfg = DenoiserConfig(codebook_size=32, block_size=256, n_layers=1, n_emb=32, n_head=4)
    vq, dn, _ = make_test_pack.build_tiny_models(7, vq_cfg, dn_cfg)
    _save_run(root / "run", vq, dn)
    rng = np.random.default_rng(0)
    held = rng.integers(0, 256, (12, 32, 32, 3), dtype=np.uint8)
    np.savez_compressed(root / "d.npz", train_x=held[:2], held_x=held, held_name=np.array([f"x/{i}" for i in range(12)]))
    return root


def test_export_main_on_a_run(emoji_like_run, validate_manifest):
    root = emoji_like_run
    (root / "q.json").write_text(json.dumps({"reconstructionPsnrDb": 21.5, "codebookUsage": 0.9,
                                             "fd": [{"order": "confidence", "steps": 16, "fd": 12.0}]}))
    out = root / "pack"
    export.main(["--run", str(root / "run"), "--out", str(out), "--data", str(root / "d.npz"),
                 "--quality", str(root / "q.json"), "--name", "emoji-32", "--version", "2.0.0"])
    manifest = json.loads((out / "manifest.json").read_text())
    validate_manifest(manifest)
    assert manifest["name"] == "emoji-32" and manifest["version"] == "2.0.0"
    assert manifest["quality"]["reconstructionPsnrDb"] == 21.5
    assert manifest["provenance"]["trainingSteps"] == {"vqgan": 7, "denoiser": 5}
    assert manifest["latent"] == {"height": 16, "width": 16}
    notice = (out / manifest["license"]["noticeFile"]).read_text()
    for needle in ("Noto Emoji", "Apache", "Twemoji", "CC-BY 4.0", "iamcal", "MIT"):
        assert needle in notice
    index, arrays = golden.read_golden(out / "golden")
    assert arrays["encoder.image"].shape == (4, 3, 32, 32)
    assert "held-out images" in index["notes"]["encoderImages"]
    # the golden images are held-out images, exactly (uint8 / 255)
    held = np.load(root / "d.npz")["held_x"].astype(np.float32) / 255
    for img in arrays["encoder.image"]:
        assert any(np.array_equal(img, h.transpose(2, 0, 1)) for h in held)


def test_export_refuses_denoiser_of_another_vqgan(tmp_path):
    vq, dn, _ = make_test_pack.build_tiny_models()
    _save_run(tmp_path / "run", vq, dn, vq_step=9, vqgan_step=4)
    with pytest.raises(ValueError, match="VQGAN step 4"):
        export.load_run(tmp_path / "run")


def test_export_rejects_mismatched_models(tmp_path):
    vq, _, gen = make_test_pack.build_tiny_models()
    dn = Transformer(DenoiserConfig(codebook_size=16, block_size=64, n_layers=1, n_emb=32, n_head=4))
    with pytest.raises(ValueError, match="does not match"):
        export.export_pack(vq, dn, tmp_path / "p", FIELDS, make_test_pack.tiny_golden_inputs(vq, gen))
    assert not (tmp_path / "p").exists() and not list(tmp_path.glob(".p.*"))  # no half-written pack left
