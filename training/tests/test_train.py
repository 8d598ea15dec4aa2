"""A few training steps on tiny models: losses fall, runs resume from their checkpoints, and the result exports."""
import importlib.util
import json
from pathlib import Path

import numpy as np
import pytest
import torch

from pipeline_training import export, train_vqgan

HAS_DENOISER = importlib.util.find_spec("pipeline_training.train_denoiser") is not None
# one thread: these machines are shared with a background training run, and 2 threads oversubscribe them
VQ_ARGS = ["--nf", "32", "--ch-mult", "1", "1", "--codebook", "16", "--emb-dim", "8", "--batch", "4",
           "--lr", "2e-3", "--restart-every", "8", "--eval-every", "1000", "--minutes", "5", "--threads", "1"]


def synthetic_npz(path: Path) -> Path:
    """32x32 images of a few flat colour blocks: learnable in a few dozen steps."""
    rng = np.random.default_rng(0)
    palette = np.array([[255, 255, 255], [230, 40, 40], [40, 90, 230], [250, 200, 0]], dtype=np.uint8)
    x = np.empty((24, 32, 32, 3), dtype=np.uint8)
    for i in range(len(x)):
        x[i] = palette[0]
        for _ in range(2):
            r, c, s = rng.integers(0, 20), rng.integers(0, 20), rng.integers(8, 13)
            x[i, r:r + s, c:c + s] = palette[rng.integers(1, 4)]
    np.savez_compressed(path, train_x=x[:16], held_x=x[16:], train_category=np.zeros(16, np.int64),
                        held_category=np.zeros(8, np.int64), held_name=np.array([f"synthetic/{i}" for i in range(8)]),
                        categories=np.array(["blocks"]))
    return path


def log_lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()]


@pytest.fixture(scope="module")
def vq_run(tmp_path_factory):
    root = tmp_path_factory.mktemp("train")
    npz = synthetic_npz(root / "blocks.npz")
    run = root / "run"
    train_vqgan.main(["--data", str(npz), "--run", str(run), "--max-steps", "24", *VQ_ARGS])
    return npz, run


def test_vqgan_loss_falls(vq_run):
    _, run = vq_run
    losses = [r["loss"] for r in log_lines(run / "vqgan.log.jsonl") if "loss" in r]
    assert len(losses) == 3
    assert losses[-1] < losses[0], losses
    state = torch.load(run / "vqgan.pt")
    assert state["step"] == 24 and set(state) >= {"config", "model", "ema", "opt", "rng", "step"}


def test_vqgan_resumes(vq_run, tmp_path):
    npz, run = vq_run
    import shutil
    run2 = tmp_path / "run"
    shutil.copytree(run, run2)
    before = torch.load(run2 / "vqgan.pt")
    train_vqgan.main(["--data", str(npz), "--run", str(run2), "--max-steps", "27", *VQ_ARGS])
    after = torch.load(run2 / "vqgan.pt")
    assert after["step"] == 27
    assert after["opt"]["state"][0]["step"] == before["opt"]["state"][0]["step"] + 3  # optimizer state carried on
    finals = [r for r in log_lines(run2 / "vqgan.log.jsonl") if r.get("final")]
    assert len(finals) == 2


@pytest.mark.skipif(not HAS_DENOISER, reason="pipeline_training.train_denoiser not written yet")
def test_denoiser_trains_resumes_and_exports(vq_run, tmp_path, validate_manifest):
    import shutil
    from pipeline_training import train_denoiser

    npz, run = vq_run
    run2 = tmp_path / "run"
    shutil.copytree(run, run2)
    args = ["--data", str(npz), "--run", str(run2), "--batch", "4", "--layers", "1", "--width", "32", "--heads", "4",
            "--lr", "3e-3", "--warmup", "1", "--ema", "0", "--eval-every", "10", "--minutes", "5", "--threads", "1"]
    train_denoiser.main([*args, "--max-steps", "20"])
    nll = [r["held_nll_ema"] for r in log_lines(run2 / "denoiser.log.jsonl") if "held_nll_ema" in r]
    assert nll[-1] < nll[0], nll
    assert nll[0] < np.log(16) + 0.5  # about uniform over the 16 codes at the start
    state = torch.load(run2 / "denoiser.pt")
    assert state["step"] == 20 and state["vqgan_step"] == 24
    train_denoiser.main([*args, "--max-steps", "22"])
    assert torch.load(run2 / "denoiser.pt")["step"] == 22

    out = tmp_path / "pack"
    export.main(["--run", str(run2), "--out", str(out), "--data", str(npz), "--name", "blocks", "--version", "0.0.1"])
    manifest = export.verify_pack(out)
    validate_manifest(manifest)
    assert manifest["provenance"]["trainingSteps"] == {"vqgan": 24, "denoiser": 22}
    assert manifest["graphs"]["denoiser"]["outputs"][0]["shape"] == ["batch", 256, 16]
