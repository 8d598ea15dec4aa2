"""The confidence knobs of sampler.py, the C# parity fixture, and a smoke run of tune_schedule on the tiny pack."""
import json
import math

import numpy as np
import pytest
import torch

from pipeline_training import pack_models, schedule_fixture, tune_schedule
from pipeline_training import sampler as S
from pipeline_training.classifier import save_classifier, train_classifier
from pipeline_training.transformer import DenoiserConfig, Transformer


def _tiny_denoiser():
    torch.manual_seed(0)
    return Transformer(DenoiserConfig(codebook_size=16, block_size=24, n_layers=1, n_emb=16, n_head=2)).eval()


def test_default_knobs_reproduce_the_tokens_of_the_sampler_before_the_knobs():
    # row 0 as the sampler gave it before the knobs existed (commit 22ef2ce), same seed and model
    dn = _tiny_denoiser()
    before = [10, 5, 7, 7, 3, 6, 9, 15, 1, 12, 7, 11, 11, 0, 9, 13, 5, 1, 1, 4, 14, 0, 15, 6]
    for kw in ({}, {"knobs": S.ConfidenceKnobs()}, {"noise": 4.5}):
        x = S.sample_confidence(dn, 5, 8, 1.0, torch.Generator().manual_seed(7), **kw)
        assert x[0].tolist() == before


@pytest.mark.parametrize("change", [{"schedule": "cubic"}, {"noise_anneal": "constant"}, {"noise": 0.0},
                                    {"temperature_start": 3.0}])
def test_each_knob_changes_the_tokens(change):
    dn = _tiny_denoiser()
    plain = S.sample_confidence(dn, 5, 6, 1.0, torch.Generator().manual_seed(3))
    changed = S.sample_confidence(dn, 5, 6, 1.0, torch.Generator().manual_seed(3), knobs=S.ConfidenceKnobs(**change))
    assert not torch.equal(plain, changed)


@pytest.mark.parametrize("schedule,gamma", [("cosine", lambda r: math.cos(math.pi / 2 * r)), ("linear", lambda r: 1 - r),
                                            ("square", lambda r: 1 - r * r), ("cubic", lambda r: 1 - r ** 3)])
def test_schedule_counts_follow_their_formula(schedule, gamma):
    m0 = torch.tensor([64])
    counts = [int(S.confidence_masked_after(m0, i, 10, schedule)) for i in range(10)]
    assert counts == [math.floor(64 * gamma((i + 1) / 10) + 1e-9) if i < 9 else 0 for i in range(10)]


def test_anneal_and_temperature_values():
    k = S.ConfidenceKnobs(noise=4.0, noise_anneal="cosine", temperature_start=1.5, temperature_end=0.5)
    assert S.noise_scale(k, 1, 4) == pytest.approx(4.0 * math.cos(math.pi / 4))
    assert S.noise_scale(S.ConfidenceKnobs(noise=4.0, noise_anneal="constant"), 3, 4) == 4.0
    assert S.noise_scale(S.ConfidenceKnobs(noise=4.0), 3, 4) == 0.0
    assert [S.temperature_multiplier(k, i, 3) for i in range(3)] == [1.5, 1.0, 0.5]
    assert S.temperature_multiplier(k, 0, 1) == 1.5


@pytest.mark.parametrize("bad", [{"noise": -1.0}, {"schedule": "Cosine"}, {"noise_anneal": "exp"},
                                 {"temperature_end": 0.0}])
def test_bad_knobs_are_refused(bad):
    with pytest.raises(ValueError):
        S.ConfidenceKnobs(**bad)


def test_manifest_round_trip():
    k = S.ConfidenceKnobs(noise=2.0, noise_anneal="cosine", schedule="square", temperature_start=1.1, temperature_end=0.9)
    assert S.ConfidenceKnobs.from_manifest(k.to_manifest()) == k
    assert S.ConfidenceKnobs.from_manifest(None) == S.ConfidenceKnobs()


def test_csharp_parity_fixture_is_current(repo):
    # tests/fixtures/confidence-schedule.json is what the C# tests compare with; regenerate it when a formula changes
    assert (repo / schedule_fixture.PATH).read_text() == schedule_fixture.render()


def test_pack_denoiser_matches_golden_logits(repo):
    pack = repo / "tests" / "fixtures" / "tiny-pack"
    assert pack_models.golden_max_diff(pack, pack_models.load_denoiser(pack, "fp32")) < 1e-4
    assert pack_models.golden_max_diff(pack, pack_models.load_denoiser(pack, "int8")) < 1.0


def tiny_data_and_classifier(tmp_path):
    """A random 16x16 data set and a classifier trained two steps on it: enough for the tuner's smoke runs."""
    rng = np.random.default_rng(0)
    data = tmp_path / "data.npz"
    arrays = {"train_x": rng.integers(0, 256, (40, 16, 16, 3), dtype=np.uint8),
              "train_category": rng.integers(0, 2, 40), "held_x": rng.integers(0, 256, (12, 16, 16, 3), dtype=np.uint8),
              "held_category": rng.integers(0, 2, 12), "categories": np.array(["a", "b"])}
    np.savez(data, **arrays)
    model, summary = train_classifier(arrays["train_x"], arrays["train_category"], arrays["held_x"],
                                      arrays["held_category"], n_classes=2, epochs=1, batch=8, widths=(4, 8),
                                      max_steps=2, log=lambda *_: None)
    classifier = tmp_path / "classifier.pt"
    save_classifier(classifier, model, summary, arrays["categories"])
    return data, classifier


def test_tune_schedule_smoke_writes_frontier_and_resumes(repo, tmp_path):
    pack = repo / "tests" / "fixtures" / "tiny-pack"
    data, classifier = tiny_data_and_classifier(tmp_path)
    frontier = tmp_path / "frontier.json"
    kw = dict(pack=pack, data=data, classifier=classifier, out=tmp_path / "tune", frontier=frontier, samples=4, batch=4,
              search_steps=4, tie=0.0, minutes=10, stages={"anchors", "search"}, log=lambda *_: None)

    tuned = tune_schedule.run(**kw)

    doc = json.loads(frontier.read_text())
    assert doc["tool"] == "training/pipeline_training/tune_schedule.py" and doc["evaluator"] and doc["createdAt"]
    kinds = {(p["sampler"], p["order"], p["steps"], p["precision"]) for p in doc["points"]}
    assert ("reference", "reference", 64, "fp32") in kinds and ("pipeline", "confidence", 4, "fp32") in kinds
    for p in doc["points"]:
        assert set(p) >= {"sampler", "order", "steps", "precision", "confidence", "fd", "samples"}
        assert math.isfinite(p["fd"]) and p["samples"] == 4
        assert (p["confidence"] is None) == (p["order"] != "confidence")
    assert doc["tuned"] == tuned.to_manifest()
    lines = (tmp_path / "tune" / "points.jsonl").read_text().splitlines()
    assert len(lines) == 9  # 1 reference + the default + 7 searched settings

    assert tune_schedule.run(**kw) == tuned  # resumed: every point from the cache
    assert (tmp_path / "tune" / "points.jsonl").read_text().splitlines() == lines


def test_export_confidence_knobs_from_json_or_frontier(tmp_path):
    from pipeline_training.export import confidence_knobs

    assert confidence_knobs('{"schedule": "cubic"}') == {**S.ConfidenceKnobs().to_manifest(), "schedule": "cubic"}
    frontier = tmp_path / "frontier.json"
    frontier.write_text(json.dumps({"points": [], "tuned": {"noise": 2.0, "noiseAnneal": "cosine"}}))
    assert confidence_knobs(str(frontier))["noiseAnneal"] == "cosine"
    with pytest.raises(ValueError):
        confidence_knobs('{"schedule": "spiral"}')


def test_emoji_manifest_knobs_are_valid(repo, validate_manifest):
    manifest = json.loads((repo / "models" / "emoji-32" / "manifest.json").read_text())
    validate_manifest(manifest)
    S.ConfidenceKnobs.from_manifest(manifest["sampling"].get("confidence"))


def test_knee_is_the_fewest_steps_beating_the_reference_by_the_noise_margin():
    tuned = {"schedule": "cubic"}

    def conf(steps, fd, **kw):
        return {"sampler": "pipeline", "order": "confidence", "precision": "fp32", "confidence": tuned, "steps": steps,
                "fd": fd, **kw}

    doc = {"tuned": tuned, "points": [{"sampler": "reference", "order": "reference", "steps": 64, "precision": "fp32", "fd": 5.0},
                                      conf(4, 4.8), conf(6, 4.6), conf(8, 3.0, fdSeeds=[3.0, 3.3])]}
    assert tune_schedule.knee(doc) == {"steps": 6, "margin": 0.3, "referenceFd": 5.0}
    doc["points"][1]["fd"] = 4.7
    assert tune_schedule.knee(doc)["steps"] == 4
    doc["points"][0]["fdSeeds"] = [5.0, 6.0]  # the reference's mean is 5.5, the margin now 1.0
    assert tune_schedule.knee(doc) == {"steps": 8, "margin": 1.0, "referenceFd": 5.5}
    doc["points"][1]["fd"] = 4.4
    assert tune_schedule.knee(doc)["steps"] == 4


def test_knee_compares_seed_ranges_when_both_have_seeds():
    tuned = {"schedule": "square"}
    ref = {"sampler": "reference", "order": "reference", "steps": 64, "precision": "fp32", "fd": 5.9, "fdSeeds": [5.9, 7.2]}
    eight = {"sampler": "pipeline", "order": "confidence", "precision": "fp32", "confidence": tuned, "steps": 8,
             "fd": 4.6, "fdSeeds": [4.6, 5.1]}
    noisy = {"sampler": "pipeline", "order": "confidence", "precision": "fp32", "confidence": tuned, "steps": 16,
             "fd": 1.0, "fdSeeds": [1.0, 4.0]}  # a spread of 3.0 elsewhere must not disqualify 8 steps
    doc = {"tuned": tuned, "points": [ref, eight, noisy]}
    assert tune_schedule.knee(doc)["steps"] == 8
    eight["fdSeeds"] = [4.6, 6.0]  # overlaps the reference's 5.9: not shown to be no worse
    assert tune_schedule.knee(doc)["steps"] == 16


def test_by_steps_resolves_the_range_of_the_steps_a_job_runs():
    k = S.ConfidenceKnobs.from_manifest({"schedule": "square", "noise": 3.0,
                                         "bySteps": [{"minSteps": 12, "schedule": "cosine"}, {"minSteps": 32, "noise": 1.0}]})
    assert k.for_steps(11) == S.ConfidenceKnobs(schedule="square", noise=3.0)
    assert k.for_steps(12) == S.ConfidenceKnobs(schedule="cosine", noise=3.0)  # the base's noise: entries fill from the base
    assert k.for_steps(64) == S.ConfidenceKnobs(schedule="square", noise=1.0)
    assert S.ConfidenceKnobs.from_manifest(k.to_manifest()) == k
    assert "bySteps" not in S.ConfidenceKnobs().to_manifest()  # old manifests and cache keys unchanged


@pytest.mark.parametrize("entries", [[{"schedule": "cosine"}], [{"minSteps": 0}], [{"minSteps": 8}, {"minSteps": 8}],
                                     [{"minSteps": 8, "bySteps": []}], [{"minSteps": 8, "schedule": "spiral"}]])
def test_bad_by_steps_are_refused(entries):
    with pytest.raises(ValueError):
        S.ConfidenceKnobs.from_manifest({"bySteps": entries})


def test_sampling_with_ranges_equals_sampling_with_the_ranges_knobs():
    dn = _tiny_denoiser()
    cubic = S.ConfidenceKnobs(schedule="cubic", noise=1.0)
    ranged = S.ConfidenceKnobs(by_steps=((6, cubic),))
    for steps, plain in ((6, cubic), (5, S.ConfidenceKnobs())):
        a = S.sample_confidence(dn, 4, steps, 1.0, torch.Generator().manual_seed(5), knobs=ranged)
        b = S.sample_confidence(dn, 4, steps, 1.0, torch.Generator().manual_seed(5), knobs=plain)
        assert torch.equal(a, b)


def test_per_steps_knobs_starts_a_range_where_another_candidate_wins():
    class FakeEvaluator:
        def __init__(self):
            self.table = {("square", 6): 5.0, ("cosine", 6): 7.0, ("square", 8): 4.8, ("cosine", 8): 4.9,
                          ("square", 16): 4.6, ("cosine", 16): 2.8}

        def fd(self, sampler, order, steps, precision="fp32", knobs=None, seed=0):
            return self.table[(knobs.schedule, steps)] + 0.01 * seed

    square, cosine = S.ConfidenceKnobs(schedule="square"), S.ConfidenceKnobs()
    knobs = tune_schedule.per_steps_knobs(FakeEvaluator(), [square, cosine], [6, 8, 16], seeds=2, tie=0.2, log=lambda *_: None)
    assert knobs == S.ConfidenceKnobs(schedule="square", by_steps=((16, cosine),))  # 8: cosine not better by the tie


def test_tune_schedule_per_steps_smoke(repo, tmp_path):
    pack = repo / "tests" / "fixtures" / "tiny-pack"
    data, classifier = tiny_data_and_classifier(tmp_path)
    frontier = tmp_path / "frontier.json"

    knobs = tune_schedule.run_per_steps(pack, data, classifier, tmp_path / "tune", frontier, samples=4, batch=4,
                                        search_steps=[2, 4], sweep=[2, 4], seeds=2, finalists=2, tie=0.0, minutes=10,
                                        log=lambda *_: None)

    doc = json.loads(frontier.read_text())
    assert doc["tuned"] == knobs.to_manifest()
    assert doc["search"] and all(p["order"] == "confidence" for p in doc["search"])
    for p in doc["points"]:  # what the bench times: reference, or knobs some step count of the pack would sample with
        if p["order"] == "confidence":
            assert p["knobs"]
