"""canvas_fd: token-aligned model-size crops of canvas PNG folders, equal counts per set, resumable FD rows."""
import json
import math

import numpy as np
import pytest
from PIL import Image

from pipeline_training import canvas_fd
from pipeline_training.classifier import save_classifier, train_classifier


def test_offsets_are_token_aligned_and_cover_the_canvas():
    wide = canvas_fd.crop_offsets(96, 32, crop=32, token=4)
    assert wide == [(x, 0) for x in range(0, 65, 4)]  # 17 offsets, the last flush with the right edge
    square = canvas_fd.crop_offsets(64, 64, crop=32, token=4)
    assert len(square) == 81 and square[0] == (0, 0) and square[-1] == (32, 32) and square[1] == (4, 0)
    assert canvas_fd.crop_offsets(32, 32, crop=32, token=4) == [(0, 0)]
    with pytest.raises(ValueError):
        canvas_fd.crop_offsets(98, 32, crop=32, token=4)
    with pytest.raises(ValueError):
        canvas_fd.crop_offsets(28, 32, crop=32, token=4)


def test_cycle_takes_one_crop_per_image_over_every_offset():
    plan = canvas_fd.plan_crops(40, 96, 32, 32, 4, "cycle", count=34)
    assert [i for i, _, _ in plan] == list(range(34))
    assert [x for _, x, _ in plan] == [4 * (i % 17) for i in range(34)]
    assert canvas_fd.plan_crops(5, 32, 32, 32, 4, "cycle", count=5) == [(i, 0, 0) for i in range(5)]
    for mode in ("all", canvas_fd.parse_mode("32,0")):  # a model-size image is its own crop under every mode
        assert canvas_fd.plan_crops(5, 32, 32, 32, 4, mode, count=5) == [(i, 0, 0) for i in range(5)]


def test_all_and_fixed_offsets_and_too_few_crops():
    assert canvas_fd.plan_crops(2, 40, 32, 32, 4, "all", count=3) == [(0, 0, 0), (0, 4, 0), (0, 8, 0)]
    fixed = canvas_fd.parse_mode("32,0;0,0")
    assert canvas_fd.plan_crops(5, 96, 32, 32, 4, fixed, count=4) == [(0, 32, 0), (1, 0, 0), (2, 32, 0), (3, 0, 0)]
    with pytest.raises(ValueError):  # not token-aligned
        canvas_fd.plan_crops(3, 96, 32, 32, 4, canvas_fd.parse_mode("2,0"), count=1)
    with pytest.raises(ValueError):  # equal counts or nothing: 3 images give 3 cycle crops, not 4
        canvas_fd.plan_crops(3, 96, 32, 32, 4, "cycle", count=4)


def write_canvases(folder, n, width, height, seed=0):
    folder.mkdir(parents=True)
    rng = np.random.default_rng(seed)
    arrays = [rng.integers(0, 256, (height, width, 3), dtype=np.uint8) for _ in range(n)]
    for i, a in enumerate(arrays):
        Image.fromarray(a).save(folder / f"generation-{i:03d}.png")
    Image.new("RGB", (7, 7)).save(folder / "contact-sheet.png")  # the CLI writes one: not a generation
    return arrays


def test_folder_crops_are_the_canvas_pixels(tmp_path):
    arrays = write_canvases(tmp_path / "wide", 3, 24, 8)
    crops, info = canvas_fd.folder_crops(tmp_path / "wide", crop=8, token=4, mode="cycle", count=3)
    assert crops.shape == (3, 3, 8, 8)
    assert info == {"canvas": "24x8", "images": 3, "offsets": 3}
    for i in range(3):
        x = 4 * i
        expected = arrays[i][:, x:x + 8].astype(np.float32) / 255
        assert np.allclose(crops[i].permute(1, 2, 0).numpy(), expected)


def test_folder_of_mixed_sizes_is_refused(tmp_path):
    write_canvases(tmp_path / "mixed", 2, 24, 8)
    Image.new("RGB", (16, 8)).save(tmp_path / "mixed" / "generation-002.png")
    with pytest.raises(ValueError, match="not 24x8"):
        canvas_fd.folder_crops(tmp_path / "mixed", crop=8, token=4, mode="cycle", count=3)


def test_run_scores_equal_counts_and_resumes(tmp_path):
    rng = np.random.default_rng(0)
    data = tmp_path / "data.npz"
    arrays = {"train_x": rng.integers(0, 256, (40, 8, 8, 3), dtype=np.uint8), "train_category": rng.integers(0, 2, 40),
              "held_x": rng.integers(0, 256, (12, 8, 8, 3), dtype=np.uint8), "held_category": rng.integers(0, 2, 12),
              "categories": np.array(["a", "b"])}
    np.savez(data, **arrays)
    model, summary = train_classifier(arrays["train_x"], arrays["train_category"], arrays["held_x"], arrays["held_category"],
                                      n_classes=2, epochs=1, batch=8, widths=(4, 8), max_steps=2, log=lambda *_: None)
    classifier = tmp_path / "classifier.pt"
    save_classifier(classifier, model, summary, arrays["categories"])
    write_canvases(tmp_path / "model", 10, 8, 8, seed=1)
    write_canvases(tmp_path / "wide", 10, 24, 8, seed=2)
    sets = [("model", tmp_path / "model"), ("wide", tmp_path / "wide")]
    out = tmp_path / "scores.jsonl"
    kw = dict(data_path=data, classifier_path=classifier, out=out, count=10, mode="cycle", token=4, log=lambda *_: None)

    rows = canvas_fd.run(sets, **kw)

    assert [r["set"] for r in rows[1:]] == ["model", "wide"]
    assert all(r["crops"] == 10 and math.isfinite(r["fd"]) for r in rows)
    assert rows[2]["canvas"] == "24x8" and rows[2]["offsets"] == 5
    lines = out.read_text().splitlines()
    assert len(lines) == 3 and all(json.loads(line)["key"] for line in lines)
    assert canvas_fd.run(sets, **kw) == rows  # resumed: every row from the file
    assert out.read_text().splitlines() == lines
