"""Fréchet distance, the emoji classifier and `evaluate --quick` end to end on tiny random models."""
import json
from dataclasses import asdict

import numpy as np
import pytest
import torch
from PIL import Image

from pipeline_training.classifier import features, load_classifier, save_classifier, train_classifier
from pipeline_training.evaluate import frechet_distance, grid, main as evaluate_main, to_pil
from pipeline_training.transformer import DenoiserConfig, Transformer
from pipeline_training.vqgan import VQAutoEncoder, VQGANConfig


def gaussian(n, d, seed, shift=0.0, scale=1.0):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, d)) * scale + shift


def test_fd_of_identical_sets_is_zero():
    f = gaussian(400, 16, 0)
    assert abs(frechet_distance(f, f)) < 1e-6


def test_fd_of_a_shift_is_its_squared_norm():
    f = gaussian(400, 16, 0)
    for shift in (0.1, 0.5, 2.0):
        # equal covariances: the trace term vanishes and FD = ||shift||^2 = d * shift^2
        assert frechet_distance(f, f + shift) == pytest.approx(16 * shift ** 2, rel=1e-6, abs=1e-6)


def test_fd_grows_with_the_gap_between_distributions():
    a = gaussian(600, 8, 1)
    fds = [frechet_distance(a, gaussian(600, 8, 2, shift=s)) for s in (0.0, 0.3, 1.0)]
    assert fds[0] < 0.2 and fds[0] < fds[1] < fds[2]
    assert frechet_distance(a, gaussian(600, 8, 3, scale=2.0)) > 1.0  # a wider spread counts too


def test_fd_handles_singular_covariances():
    a = np.zeros((50, 4))
    a[:, 0] = np.arange(50)
    assert np.isfinite(frechet_distance(a, a + 1.0))


def test_fd_rejects_bad_shapes():
    with pytest.raises(ValueError):
        frechet_distance(np.zeros((5, 3)), np.zeros((5, 4)))


def fake_data(n_train=40, n_held=20, size=32, classes=3, seed=0):
    rng = np.random.default_rng(seed)
    def images(n, labels):
        x = np.full((n, size, size, 3), 255, np.uint8)
        for i, c in enumerate(labels):  # a coloured square per class, at a random place
            y0, x0 = rng.integers(0, size // 2, 2)
            x[i, y0:y0 + size // 2, x0:x0 + size // 2, c % 3] = 40
        return x
    ty, hy = rng.integers(0, classes, n_train), rng.integers(0, classes, n_held)
    return {"train_x": images(n_train, ty), "train_category": ty.astype(np.int64),
            "held_x": images(n_held, hy), "held_category": hy.astype(np.int64),
            "categories": np.array([f"c{i}" for i in range(classes)])}


def test_classifier_trains_saves_and_gives_features(tmp_path):
    d = fake_data()
    model, summary = train_classifier(d["train_x"], d["train_category"], d["held_x"], d["held_category"],
                                      n_classes=3, epochs=2, batch=8, widths=(8, 16), log=lambda *_: None)
    assert summary["steps"] == 10 and 0.0 <= summary["held_accuracy"] <= 1.0
    save_classifier(tmp_path / "c.pt", model, summary, d["categories"])
    loaded, state = load_classifier(tmp_path / "c.pt")
    x = torch.rand(5, 3, 32, 32)
    f = features(loaded, x)
    assert f.shape == (5, 16) and f.dtype == torch.float64
    assert torch.allclose(f, features(model, x)) and state["categories"] == ["c0", "c1", "c2"]


def test_contact_sheet_geometry():
    sheet = grid(to_pil(torch.rand(10, 3, 32, 32)), cols=4, scale=2, gap=2)
    assert sheet.size == (4 * 64 + 5 * 2, 3 * 64 + 4 * 2)


@pytest.fixture(scope="module")
def tiny_run(tmp_path_factory):
    root = tmp_path_factory.mktemp("run")
    run, data_path = root / "run", root / "data.npz"
    run.mkdir()
    np.savez_compressed(data_path, **fake_data())
    torch.manual_seed(0)
    vq_cfg = VQGANConfig(img_size=32, nf=32, ch_mult=(1, 2, 2), codebook_size=16, emb_dim=8)
    vq = VQAutoEncoder(vq_cfg)
    dn_cfg = DenoiserConfig(codebook_size=16, block_size=vq_cfg.latent_size ** 2, n_layers=1, n_emb=16, n_head=2)
    dn = Transformer(dn_cfg)
    torch.save({"config": asdict(vq_cfg), "model": vq.state_dict(), "ema": vq.state_dict(), "step": 5},
               run / "vqgan.pt")
    torch.save({"config": asdict(dn_cfg), "model": dn.state_dict(), "ema": dn.state_dict(), "step": 7,
                "vqgan_step": 5}, run / "denoiser.pt")
    return run, data_path


def test_evaluate_quick_end_to_end(tiny_run, tmp_path, pack_schema):
    run, data_path = tiny_run
    out = tmp_path / "eval"
    evaluate_main(["--run", str(run), "--data", str(data_path), "--out", str(out), "--quick", "--threads", "1"])
    quality = json.loads((out / "quality.json").read_text())
    assert set(quality) >= {"reconstructionPsnrDb", "codebookUsage", "fd", "uniformBaselineFd", "heldOutFd"}
    assert [(r["order"], r["steps"]) for r in quality["fd"]] == [
        (o, s) for o in ("reference", "confidence") for s in (8, 16, 32, 64)]
    assert all(np.isfinite(r["fd"]) and r["samples"] == 24 for r in quality["fd"])
    assert 0 < quality["codebookUsage"] <= 1
    from schema_check import validate
    assert validate(quality, pack_schema["properties"]["quality"]) == []
    table = (out / "table.md").read_text()
    assert "| reference | 8 | 24 |" in table and "QUICK MODE" in table
    details = json.loads((out / "details.json").read_text())
    assert details["denoiser_step"] == 7 and details["vqgan_step"] == 5
    for name in ["samples.png"] + [f"{o}_{s}.png" for o in ("reference", "confidence") for s in (8, 16, 32, 64)]:
        with Image.open(out / name) as img:
            assert img.width > 64 and img.height > 64
    # --resume reuses the saved generations (same seeds and checkpoints): same figures
    evaluate_main(["--run", str(run), "--data", str(data_path), "--out", str(out), "--quick", "--threads", "1",
                   "--resume", "--steps", "16"])
    again = json.loads((out / "quality.json").read_text())
    assert again["fd"] == [r for r in quality["fd"] if r["order"] in ("reference", "confidence") and r["steps"] == 16]


def test_evaluate_refuses_a_denoiser_from_another_vqgan_step(tiny_run, tmp_path):
    run, data_path = tiny_run
    state = torch.load(run / "denoiser.pt")
    other = tmp_path / "run"
    other.mkdir()
    (other / "vqgan.pt").write_bytes((run / "vqgan.pt").read_bytes())
    torch.save(state | {"vqgan_step": 4}, other / "denoiser.pt")
    with pytest.raises(SystemExit, match="VQGAN step 4"):
        evaluate_main(["--run", str(other), "--data", str(data_path), "--out", str(tmp_path / "e")])


@pytest.mark.parametrize("order,steps", [("reference", 8), ("reference", 24), ("confidence", 8), ("confidence", 40)])
def test_expected_rows_matches_the_sampler(order, steps):
    from pipeline_training import sampler as S
    from pipeline_training.evaluate import expected_rows
    from test_sampler import N, Recorder
    counter = S.Counter()
    S.sample(order, Recorder(), 400, steps, 1.0, torch.Generator().manual_seed(0), active_rows_only=True,
             counter=counter)
    assert counter.rows == pytest.approx(expected_rows(order, steps, N, 400), rel=0.03)


def test_images_mode_scores_png_folders_against_held_out(tmp_path):
    """`evaluate --images DIR...` (for generations made by the C# engine): FD per folder, oversized PNGs skipped."""
    d = fake_data(n_train=40, n_held=30)
    data_path = tmp_path / "data.npz"
    np.savez_compressed(data_path, **d)
    model, summary = train_classifier(d["train_x"], d["train_category"], d["held_x"], d["held_category"],
                                      n_classes=3, epochs=1, batch=8, widths=(8, 16), log=lambda *_: None)
    save_classifier(tmp_path / "c.pt", model, summary, d["categories"])
    like = tmp_path / "like"      # the held-out images themselves, as RGBA PNGs, plus a contact sheet
    noise = tmp_path / "noise"    # random pixels
    like.mkdir()
    noise.mkdir()
    rng = np.random.default_rng(0)
    for i, x in enumerate(d["held_x"]):
        Image.fromarray(x).convert("RGBA").save(like / f"generation-{i:03d}.png")
        Image.fromarray(rng.integers(0, 256, x.shape, dtype=np.uint8)).save(noise / f"generation-{i:03d}.png")
    Image.new("RGB", (100, 70)).save(like / "contact-sheet.png")
    lines = []
    from pipeline_training.evaluate import score_folders
    rows = score_folders([like, noise], data_path, tmp_path / "c.pt", log=lines.append)
    assert [r["images"] for r in rows] == [30, 30, 30] and rows[1]["skipped"] == 1
    assert abs(rows[1]["fd"]) < 1e-6 < rows[2]["fd"]
    assert any(f"| {like} | 30 |" in line for line in lines)
    evaluate_main(["--images", str(like), "--data", str(data_path), "--classifier", str(tmp_path / "c.pt"),
                   "--json", str(tmp_path / "s.json"), "--threads", "1"])
    assert json.loads((tmp_path / "s.json").read_text())[1]["fd"] == rows[1]["fd"]
