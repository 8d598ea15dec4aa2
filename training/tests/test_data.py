"""Data preparation on committed fixture PNGs, packed into an npm-like emoji-datasource tarball."""
import io
import json
import tarfile
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from pipeline_training import data

FIXTURES = Path(__file__).parent / "fixtures" / "emoji"

META = [
    {"image": "1f600.png", "category": "Smileys & Emotion", "has_img_google": True},
    {"image": "1f44b.png", "category": "People & Body", "has_img_google": True,
     "skin_variations": {
         "1F3FB": {"image": "1f44b-1f3fb.png", "has_img_google": True},
         "1F3FF": {"image": "1f44b-1f3ff.png", "has_img_google": True},
         "1F3FD": {"image": "1f44b-1f3fd.png", "has_img_google": False},  # no art: skipped
     }},
    {"image": "2764-fe0f.png", "category": "Smileys & Emotion", "has_img_google": True},
    {"image": "1f9ff.png", "category": "Objects", "has_img_google": False},  # no art in this set
    {"image": "1f4a9.png", "category": "Smileys & Emotion", "has_img_google": True},  # flag set, file missing
]


def make_tarball(path: Path, art: str = "google") -> Path:
    with tarfile.open(path, "w:gz") as tar:
        def add(name: str, payload: bytes):
            info = tarfile.TarInfo(name)
            info.size = len(payload)
            tar.addfile(info, io.BytesIO(payload))
        add("package/package.json", json.dumps({"name": f"emoji-datasource-{art}", "version": "16.0.0"}).encode())
        meta = json.loads(json.dumps(META).replace("has_img_google", f"has_img_{art}"))
        add("package/emoji.json", json.dumps(meta).encode())
        for png in sorted(FIXTURES.glob("*.png")):
            add(f"package/img/{art}/64/{png.name}", png.read_bytes())
            add(f"package/img/{art}/32/{png.name}", png.read_bytes())  # other sizes are ignored
    return path


def test_base_key_strips_skin_tones():
    assert data.base_key("1f44b-1f3fb.png") == "1f44b"
    assert data.base_key("1F44B-1F3FF") == "1f44b"
    assert data.base_key("1f469-1f3fd-200d-1f4bb.png") == "1f469-200d-1f4bb"
    assert data.base_key("2764-fe0f.png") == "2764-fe0f"


def test_read_package(tmp_path):
    images = data.read_package(make_tarball(tmp_path / "google.tgz"))
    names = sorted(e.name for e in images)
    assert names == ["google/1f44b", "google/1f44b-1f3fb", "google/1f44b-1f3ff", "google/1f600", "google/2764-fe0f"]
    by_name = {e.name: e for e in images}
    assert by_name["google/1f44b-1f3ff"].base == "1f44b"
    assert by_name["google/1f44b-1f3ff"].category == "People & Body"  # variants inherit the parent's category
    assert by_name["google/1f600"].png == (FIXTURES / "1f600.png").read_bytes()


def test_flatten_and_resize_onto_white():
    rgb = data.flatten_and_resize((FIXTURES / "2764-fe0f.png").read_bytes())
    assert rgb.shape == (32, 32, 3) and rgb.dtype == np.uint8
    assert (rgb[0, 0] == 255).all()  # transparent corner -> white
    assert tuple(rgb[16, 8]) == (220, 20, 40)  # opaque interior keeps its colour
    # the fixture's centre is black at alpha 128 (drawn replacing the red): over white it is mid grey
    assert np.abs(rgb[16, 16].astype(int) - 127).max() <= 1


def test_build_dataset_from_two_sets(tmp_path):
    images = [img for art in ("google", "twitter") for img in data.read_package(make_tarball(tmp_path / f"{art}.tgz", art))]
    arrays = data.build_dataset(images, held_fraction=0.5)
    n_train, n_held = len(arrays["train_x"]), len(arrays["held_x"])
    assert n_train + n_held == 10
    assert arrays["train_x"].shape[1:] == (32, 32, 3)
    assert set(arrays["train_base"]).isdisjoint(arrays["held_base"])
    expected_held = {b for b in ("1f600", "1f44b", "2764-fe0f") if data.held_out(b, 0.5)}
    assert set(arrays["held_base"]) == expected_held
    assert list(arrays["categories"]) == ["People & Body", "Smileys & Emotion"]
    for side in ("train", "held"):
        assert len(arrays[f"{side}_category"]) == len(arrays[f"{side}_x"]) == len(arrays[f"{side}_name"])


def _png() -> bytes:
    buf = io.BytesIO()
    Image.new("RGBA", (64, 64), (10, 20, 30, 255)).save(buf, format="PNG")
    return buf.getvalue()


def test_split_never_puts_skin_tone_variants_on_both_sides():
    png = _png()
    tones = ["", "-1f3fb", "-1f3fc", "-1f3fd", "-1f3fe", "-1f3ff"]
    images = []
    for i in range(60):
        stem = f"1f{i:03x}"
        for art in ("google", "twitter"):
            for tone in tones:
                # a ZWJ sequence with the tone in the middle, as emoji-datasource names them
                name = f"{stem}{tone}-200d-2642-fe0f" if i % 2 else f"{stem}{tone}"
                images.append(data.EmojiImage(f"{art}/{name}", data.base_key(name), "People & Body", png))
    arrays = data.build_dataset(images, held_fraction=0.3)
    held, train = set(arrays["held_base"]), set(arrays["train_base"])
    assert held and train and held.isdisjoint(train)
    # every variant of a base lands on the same side
    for side in ("train", "held"):
        for base in set(arrays[f"{side}_base"]):
            assert list(arrays[f"{side}_base"]).count(base) == 2 * len(tones)


def test_held_out_is_deterministic():
    assert [data.held_out(f"1f{i:03x}", 0.1) for i in range(50)] == [data.held_out(f"1f{i:03x}", 0.1) for i in range(50)]
    frac = np.mean([data.held_out(f"base{i}", 0.1) for i in range(2000)])
    assert 0.07 < frac < 0.13
