"""pipeline_training.dynamic_codec: schemaVersion 2 packs made from exported (v1) graphs."""
from __future__ import annotations

import json
import shutil

import numpy as np
import onnx
import pytest
from onnx import numpy_helper
import torch

from pipeline_training import dynamic_codec, export, golden


def _v1_copy(repo, tmp_path):
    pack = tmp_path / "tiny-pack-v2"
    shutil.copytree(repo / "tests" / "fixtures" / "tiny-pack", pack)
    manifest = json.loads((pack / "manifest.json").read_text())
    manifest["name"] = "tiny-test-v2"
    (pack / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    return pack


def test_convert_tiny_pack_reproduces_the_committed_v2_fixture(repo, tmp_path, validate_manifest):
    """Converting the committed v1 tiny pack gives the committed v2 fixture byte for byte, with a valid manifest."""
    pack = _v1_copy(repo, tmp_path)

    manifest = dynamic_codec.convert_pack(pack)

    validate_manifest(manifest)
    committed = repo / "tests" / "fixtures" / "canvas" / "tiny-pack-v2"
    assert manifest == json.loads((committed / "manifest.json").read_text())
    for key in ("encoder", "decoder"):
        assert export.sha256_file(pack / manifest["graphs"][key]["file"]) == manifest["graphs"][key]["sha256"]
    assert manifest["graphs"]["encoder"]["inputs"][0]["shape"] == ["batch", 3, "height", "width"]
    assert manifest["graphs"]["encoder"]["outputs"][0]["shape"] == ["batch", "gridHeight", "gridWidth"]
    assert manifest["graphs"]["decoder"]["inputs"][0]["shape"] == ["batch", "gridHeight", "gridWidth"]
    assert manifest["graphs"]["denoiser"] == json.loads((repo / "tests" / "fixtures" / "tiny-pack" / "manifest.json")
                                                        .read_text())["graphs"]["denoiser"]


def test_convert_keeps_every_weight(repo, tmp_path):
    pack = _v1_copy(repo, tmp_path)
    before = {k: onnx.load(str(pack / f)) for k, f in (("encoder", export.ENCODER_FILE), ("decoder", export.DECODER_FILE))}

    dynamic_codec.convert_pack(pack)

    for key, file in (("encoder", export.ENCODER_FILE), ("decoder", export.DECODER_FILE)):
        old = {i.name: numpy_helper.to_array(i) for i in before[key].graph.initializer}
        new = {i.name: numpy_helper.to_array(i) for i in onnx.load(str(pack / file)).graph.initializer}
        assert set(old) <= set(new)
        assert all(np.array_equal(old[n], new[n]) for n in old)


def test_convert_twice_refuses(repo, tmp_path):
    pack = _v1_copy(repo, tmp_path)
    dynamic_codec.convert_pack(pack)

    with pytest.raises(SystemExit, match="already schemaVersion 2"):
        dynamic_codec.convert_pack(pack)


def test_vqgan_from_graphs_reproduces_the_golden_outputs(repo):
    """The weights read back from the graphs are the model's: model-size golden ids and image come out again."""
    pack = repo / "tests" / "fixtures" / "canvas" / "tiny-pack-v2"
    manifest = json.loads((pack / "manifest.json").read_text())
    vq = dynamic_codec.vqgan_from_graphs(pack, manifest)
    index, arrays = golden.read_golden(pack / "golden")

    with torch.no_grad():
        ids = vq.encode_ids(torch.from_numpy(arrays["encoder.image"].copy()))
        image = vq.generator(vq.quantize.embedding(torch.from_numpy(arrays["canvas.decoder.token_ids"].copy())).permute(0, 3, 1, 2))

    assert (ids.numpy() == arrays["encoder.token_ids"]).all()
    assert arrays["canvas.decoder.token_ids"].shape == (1, 9, 13)
    assert np.abs(image.numpy() - arrays["canvas.decoder.image"]).max() < index["tolerance"]["decoder"] / 10


def test_export_pack_dynamic_spatial_writes_a_v2_pack(tmp_path, validate_manifest):
    from pipeline_training import make_test_pack

    vq, dn, gen = make_test_pack.build_tiny_models()
    fields = {"name": "tiny-v2", "version": "1", "provenance": {"dataset": "none", "trainingSteps": {}, "sourceCheckpoint": "none"},
              "license": {"weights": "MIT", "attribution": []}}

    manifest = export.export_pack(vq, dn, tmp_path / "p", fields, make_test_pack.tiny_golden_inputs(vq, gen), dynamic_spatial=True)

    validate_manifest(manifest)
    export.verify_pack(tmp_path / "p")
    assert manifest["schemaVersion"] == 2
    assert manifest["graphs"]["decoder"]["inputs"][0]["shape"] == ["batch", "gridHeight", "gridWidth"]
    index, _ = golden.read_golden(tmp_path / "p" / "golden")
    assert "canvas.decoder.image" in index["tensors"]
