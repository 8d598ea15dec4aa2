"""Paper checkpoint conversion: upstream key names, dropped training-only keys, strict loading, clear errors."""
import json
from dataclasses import asdict, replace
from pathlib import Path

import numpy as np
import pytest
import torch

from pipeline_training import export, golden, paper_export
from pipeline_training.paper_export import KeyMappingError
from pipeline_training.transformer import DenoiserConfig, Transformer
from pipeline_training.vqgan import VQAutoEncoder, VQGANConfig

UPSTREAM = json.loads((Path(__file__).parent / "fixtures" / "upstream_paper_keys.json").read_text())
# paper-SHAPED but tiny: same layout rules (attention at the latent resolution, 2 res blocks, 3 levels)
TINY_VQ = VQGANConfig(img_size=32, nf=32, ch_mult=(1, 1, 2), res_blocks=2, attn_resolutions=(8,), codebook_size=64, emb_dim=16)
TINY_DN = DenoiserConfig(codebook_size=64, block_size=64, n_layers=2, n_emb=64, n_head=8)
SAMPLING = {"defaultSteps": 8, "minSteps": 2, "maxSteps": 64, "defaultTemperature": 1.0, "defaultOrder": "reference"}


@pytest.fixture(scope="module")
def tiny_ckpts(tmp_path_factory):
    vq, dn = paper_export.random_init_models(TINY_VQ, TINY_DN, seed=3)
    folder = tmp_path_factory.mktemp("ckpt")
    vq_path, dn_path = paper_export.save_upstream_checkpoints(vq, dn, folder, step=1234)
    return vq, dn, vq_path, dn_path


def test_paper_config_has_exactly_the_upstream_keys_and_shapes():
    """Key names and shapes generated from the reference source (models/vqgan.py, transformer.py,
    absorbing_diffusion.py) for the released churches/ffhq configuration."""
    ours_vq = {"ae." + k: list(v.shape) for k, v in VQAutoEncoder(VQGANConfig.paper()).state_dict().items()}
    ours_dn = {"_denoise_fn." + k: list(v.shape) for k, v in Transformer(DenoiserConfig.paper()).state_dict().items()}
    up_vq = {k: v for k, v in UPSTREAM["vqgan_ema"].items() if not k.startswith("ae.generator.logsigma.")}
    up_dn = {k: v for k, v in UPSTREAM["absorbing_ema"].items() if k.startswith("_denoise_fn.")}
    assert ours_vq == up_vq
    assert ours_dn == up_dn
    assert set(UPSTREAM["absorbing_ema"]) - set(up_dn) == set(paper_export.DENOISER_DROPPED_KEYS)
    assert UPSTREAM["vqgan_ema"]["ae.quantize.embedding.weight"] == [1024, 256]
    assert UPSTREAM["absorbing_ema"]["_denoise_fn.head.weight"] == [1024, 512]
    assert UPSTREAM["absorbing_ema"]["_denoise_fn.tok_emb.weight"] == [1025, 512]


def test_upstream_shaped_state_dicts_convert_strictly():
    """A state dict with every key of the released files (zeros) passes the converter at paper size."""
    raw_vq = {k: torch.zeros(s) for k, s in UPSTREAM["vqgan_ema"].items()}
    raw_vq["disc.main.0.weight"] = torch.zeros(64, 3, 4, 4)
    logs = []
    vq = paper_export.convert_vqgan(raw_vq, VQGANConfig.paper(), logs.append)
    assert vq.cfg == VQGANConfig.paper()
    del raw_vq, vq
    raw_dn = {k: torch.zeros(s) for k, s in UPSTREAM["absorbing_ema"].items()}
    dn = paper_export.convert_denoiser(raw_dn, 8, logs.append)
    assert dn.cfg == DenoiserConfig.paper()
    assert "logsigma" in logs[0] and "Lt_history" in logs[1]


def test_saved_files_use_upstream_key_names(tiny_ckpts):
    _, _, vq_path, dn_path = tiny_ckpts
    assert vq_path.name == "vqgan_ema_1234.th" and dn_path.name == "absorbing_ema_1234.th"
    vq_keys, dn_keys = set(torch.load(vq_path)), set(torch.load(dn_path))
    for key in ("ae.quantize.embedding.weight", "ae.generator.blocks.0.weight", "ae.encoder.blocks.0.weight",
                "ae.encoder.blocks.1.conv_out.weight", "ae.generator.blocks.2.proj_out.weight"):
        assert key in vq_keys, key
    for key in ("_denoise_fn.blocks.0.attn.query.weight", "_denoise_fn.blocks.1.mlp.2.bias", "_denoise_fn.head.weight",
                "_denoise_fn.tok_emb.weight", "_denoise_fn.pos_emb", "_denoise_fn.start_tok", "_denoise_fn.ln_f.weight",
                "Lt_history", "embedding_weight"):
        assert key in dn_keys, key


def test_conversion_round_trips_weights(tiny_ckpts):
    vq, dn, vq_path, dn_path = tiny_ckpts
    # base config deliberately wrong in what is inferred from the weights (codebook, width)
    base = replace(TINY_VQ, codebook_size=2, emb_dim=2, nf=32)
    vq2 = paper_export.convert_vqgan(torch.load(vq_path), base, lambda m: None)
    dn2 = paper_export.convert_denoiser(torch.load(dn_path), 8, lambda m: None)
    assert vq2.cfg == TINY_VQ and dn2.cfg == TINY_DN
    for a, b in ((vq, vq2), (dn, dn2)):
        sa, sb = a.state_dict(), b.state_dict()
        assert set(sa) == set(sb) and all(torch.equal(sa[k], sb[k]) for k in sa)


@pytest.mark.parametrize("with_logsigma", [True, False])
def test_logsigma_present_or_absent(tmp_path, with_logsigma):
    vq, dn = paper_export.random_init_models(TINY_VQ, TINY_DN, seed=1)
    vq_path, _ = paper_export.save_upstream_checkpoints(vq, dn, tmp_path, with_logsigma=with_logsigma)
    raw = torch.load(vq_path)
    assert any("logsigma" in k for k in raw) == with_logsigma
    paper_export.convert_vqgan(raw, TINY_VQ, lambda m: None)


def test_mismatches_are_reported_clearly(tiny_ckpts):
    _, _, vq_path, dn_path = tiny_ckpts
    raw = torch.load(vq_path)
    del raw["ae.generator.blocks.0.bias"]
    raw["ae.encoder.extra.weight"] = torch.zeros(1)
    raw["module.something"] = torch.zeros(1)
    raw["ae.quantize.embedding.weight"] = torch.zeros(64, 17)  # emb_dim inferred 17 -> conv shapes mismatch
    with pytest.raises(KeyMappingError) as err:
        paper_export.convert_vqgan(raw, TINY_VQ, lambda m: None)
    msg = str(err.value)
    assert "missing keys (1)" in msg and "generator.blocks.0.bias" in msg
    assert "encoder.extra.weight" in msg and "module.something (no known prefix)" in msg
    assert "shape mismatches" in msg and "generator.blocks.0.weight" in msg

    raw_dn = torch.load(dn_path)
    raw_dn["_denoise_fn.tok_emb.weight"] = raw_dn["_denoise_fn.tok_emb.weight"][:-1]
    with pytest.raises(KeyMappingError, match="not an absorbing"):
        paper_export.convert_denoiser(raw_dn, 8, lambda m: None)
    with pytest.raises(KeyMappingError, match="vqgan_ema"):
        paper_export.convert_vqgan(torch.load(dn_path), TINY_VQ, lambda m: None)
    with pytest.raises(KeyMappingError, match="absorbing_ema"):
        paper_export.convert_denoiser(torch.load(vq_path), 8, lambda m: None)


def test_codebook_check_warns_on_another_vqgan(tiny_ckpts):
    vq, _, _, _ = tiny_ckpts
    logs = []
    paper_export.check_codebook(vq, vq.quantize.embedding.weight.detach().clone(), logs.append)
    paper_export.check_codebook(vq, vq.quantize.embedding.weight.detach() + 1, logs.append)
    paper_export.check_codebook(vq, None, logs.append)
    assert "matches" in logs[0] and "WARNING" in logs[1] and "no embedding_weight" in logs[2]


def test_paper_pack_from_tiny_checkpoints(tiny_ckpts, tmp_path, validate_manifest):
    vq, dn, vq_path, dn_path = tiny_ckpts
    out = tmp_path / "pack"
    logs = []
    manifest = paper_export.paper_pack(vq_path, dn_path, out, "paper-tiny", "1.0.0", "churches", TINY_VQ, 8, SAMPLING,
                                       log=logs.append)
    validate_manifest(manifest)
    export.verify_pack(out)
    assert manifest["provenance"]["trainingSteps"] == {"vqgan": 1234, "denoiser": 1234}
    assert manifest["graphs"]["denoiser"]["outputs"][0]["shape"] == ["batch", 64, 64]
    assert "Unleashing Transformers" in (out / "NOTICE").read_text()
    assert any("codebook matches" in m for m in logs)
    index, arrays = golden.read_golden(out / "golden")
    assert arrays["encoder.image"].shape == (2, 3, 32, 32) and arrays["denoiser.token_ids"].shape == (2, 64)
    with torch.no_grad():  # golden outputs come from the original (pre-conversion) weights too
        np.testing.assert_allclose(dn(torch.from_numpy(arrays["denoiser.token_ids"].copy())).numpy(),
                                   arrays["denoiser.logits"], atol=1e-5)
        assert (vq.encode_ids(torch.from_numpy(arrays["encoder.image"].copy())).numpy() == arrays["encoder.token_ids"]).all()


def test_cli_random_init_tiny(tmp_path, validate_manifest):
    """The --random-init command end to end, shrunk by its layout flags to a paper-shaped tiny model."""
    out = tmp_path / "paper-random"
    paper_export.main(["--random-init", "--out", str(out), "--img-size", "32", "--ch-mult", "1", "2",
                       "--res-blocks", "1", "--attn-resolutions", "16", "--nf", "32", "--codebook-size", "32",
                       "--emb-dim", "8", "--n-layers", "1", "--n-emb", "32", "--n-head", "4"])
    manifest = json.loads((out / "manifest.json").read_text())
    validate_manifest(manifest)
    assert manifest["name"] == "paper-random" and manifest["license"]["weights"] == "CC0-1.0"
    assert manifest["provenance"]["trainingSteps"] == {"vqgan": 0, "denoiser": 0}
    assert manifest["latent"] == {"height": 16, "width": 16} and manifest["codebookSize"] == 32
    assert manifest["provenance"]["architecture"]["vqgan"]["attn_resolutions"] == [16]
