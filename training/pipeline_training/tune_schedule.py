"""Tunes the confidence order's schedule knobs on held-out FD and writes the pack's quality frontier (frontier.json).

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE nice -n 10 /usr/bin/python3 -m pipeline_training.tune_schedule \
        --pack models/emoji-32 --samples 300 --minutes 60

(from the repo root with PYTHONPATH=training.) Needs training/data/emoji32.npz (`python3 -m pipeline_training.data`)
and the FD classifier (`python3 -m pipeline_training.classifier`); the denoiser and decoder are the pack's own ONNX
graphs (pack_models.py), so the figures are for exactly the weights the pack serves.

FD is evaluate.py's: Fréchet distance in the classifier's 128-d penultimate features between `--samples` generations
(decoded, clamped and rounded to 8 bits as a served PNG) and the 616 held-out images, temperature 1.0. FD falls as the
sample count grows, so only points with the same count compare; every point here uses one count.

Stages, in order (each point is appended to OUT/points.jsonl as it finishes; a run cut off resumes there, and
`--minutes` bounds one invocation):
1. anchors: the reference 1/t order at 64 steps and the pack's current confidence knobs at 8 steps;
2. a coordinate search at `--search-steps` (8) steps over schedule, then noise scale, then its anneal, then the
   per-step temperature ramp, each stage keeping the best so far (ties within `--tie` FD keep the earlier setting);
   deliberately small (10 settings): it was sized for a 2-core machine shared with other work;
3. then, most useful first: the tuned knobs at 4 and 12 steps, the reference at 32, FD noise (a second seed of the
   tuned knobs), the tuned knobs at 6, the reference at 16, the default knobs at 4 and 16, the tuned at 16, the
   reference at 8, int8 (denoiser.int8.onnx through onnx_numpy) at the tuned knobs, a second seed of the reference
   at 64, the default knobs at 6, 12, 32, more int8, and last the reference at 128 and 256 steps.
After every point frontier.json is rewritten (the `--frontier` path; the pack's by default).

`--per-steps 6 16` replaces the stages with knobs per step count (manifest `sampling.confidence.bySteps`): the reference
at 64 steps on `--seeds` seeds; at each given step count a coordinate search over PER_STEPS_GRID from the pack's own
knobs there, its `--finalists` best re-measured on `--seeds` seeds; then every winner at each `--sweep-steps` count on
`--seeds` seeds, each count taking the best mean (a change must beat the count below's choice by `--tie`), which gives
the base knobs and the bySteps entries. frontier.json's `points` then hold the knobs each step count resolves to
(what `pipeline bench` times) and `search` every other setting measured.

"pipeline" points are sampled by sampler.py (the engine's formulas, another random stream): same distribution, not
the same tokens as the C# engine.
"""
from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import time
from pathlib import Path

import numpy as np
import torch

from . import sampler as S
from .classifier import features, load_classifier
from .common import to_tensor
from .data import load
from .evaluate import frechet_distance, to_8bit
from .pack_models import load_decoder, load_denoiser

TOOL = "training/pipeline_training/tune_schedule.py"
DEFAULT = S.ConfidenceKnobs()
REFERENCE_LONG_STEPS = (128, 256)


def point_key(sampler: str, order: str, steps: int, precision: str, knobs: S.ConfidenceKnobs | None, seed: int,
              samples: int) -> dict:
    return {"sampler": sampler, "order": order, "steps": steps, "precision": precision,
            "confidence": knobs.to_manifest() if knobs else None, "seed": seed, "samples": samples}


def key_seed(key: dict) -> int:
    """A point's generator seed: a hash of its settings and seed index, so a resumed run redraws nothing."""
    return int.from_bytes(hashlib.sha256(json.dumps(key, sort_keys=True).encode()).digest()[:6], "big")


class OutOfTime(Exception):
    pass


class Evaluator:
    """Generates and scores points; caches them in OUT/points.jsonl. A point not cached yet raises OutOfTime once
    `deadline` (time.monotonic()) has passed; `after_point`, when set, runs after every point (the runs rewrite
    frontier.json there, so a run cut short keeps what it measured)."""

    def __init__(self, pack: Path, data: Path, classifier: Path, out: Path, samples: int, batch: int, log=print,
                 deadline: float | None = None):
        self.pack, self.samples, self.batch, self.log = pack, samples, batch, log
        self.deadline = deadline
        self.after_point = None
        self.out = out
        out.mkdir(parents=True, exist_ok=True)
        self.cache_path = out / "points.jsonl"
        self.done: dict[str, dict] = {}
        if self.cache_path.exists():
            for line in self.cache_path.read_text().splitlines():
                if line.strip():
                    row = json.loads(line)
                    self.done[json.dumps(row["key"], sort_keys=True)] = row
        self.denoisers: dict[str, object] = {}
        self.decoder = load_decoder(pack)
        held = to_tensor(load(data)["held_x"])
        self.classifier, state = load_classifier(classifier)
        self.classifier_accuracy = state.get("summary", {}).get("held_accuracy")
        self.held_count = len(held)
        self.f_held = features(self.classifier, held)

    def denoiser(self, precision: str):
        if precision not in self.denoisers:
            self.denoisers[precision] = load_denoiser(self.pack, precision)
        return self.denoisers[precision]

    def fd(self, sampler: str, order: str, steps: int, precision: str = "fp32",
           knobs: S.ConfidenceKnobs | None = None, seed: int = 0) -> float:
        key = point_key(sampler, order, steps, precision, knobs if order == "confidence" else None, seed, self.samples)
        text = json.dumps(key, sort_keys=True)
        if text in self.done:
            value = self.done[text]["fd"]
        elif self.deadline is not None and time.monotonic() > self.deadline:
            raise OutOfTime
        else:
            value = self._measure(key, text, sampler, order, steps, precision, knobs, seed)
        if self.after_point is not None:
            self.after_point()
        return value

    def _measure(self, key: dict, text: str, sampler: str, order: str, steps: int, precision: str,
                 knobs: S.ConfidenceKnobs | None, seed: int) -> float:
        t0 = time.perf_counter()
        gen = torch.Generator().manual_seed(key_seed(key))
        dn = self.denoiser(precision)
        counter = S.Counter()
        images = []
        kw = {"knobs": knobs} if order == "confidence" else {}
        with torch.no_grad():
            for start in range(0, self.samples, self.batch):
                b = min(self.batch, self.samples - start)
                ids = S.sample(order, dn, b, steps, 1.0, gen, active_rows_only=True, counter=counter, **kw)
                images.append(to_8bit(self.decoder.decode(ids)))
        fd = frechet_distance(features(self.classifier, torch.cat(images)), self.f_held)
        row = {"key": key, "fd": round(fd, 4), "forward_rows": counter.rows, "seconds": round(time.perf_counter() - t0, 1)}
        with self.cache_path.open("a") as f:
            f.write(json.dumps(row) + "\n")
        self.done[text] = row
        self.log(f"{sampler:>9} {order:>10} S={steps:<3} {precision} {knobs_label(knobs) if order == 'confidence' else '':<46} "
                 f"seed {seed}: FD {fd:7.3f} ({counter.rows} rows, {row['seconds']:.0f} s)")
        return fd


def knobs_label(k: S.ConfidenceKnobs | None) -> str:
    if k is None:
        return ""
    return (f"{k.schedule} noise {k.noise:g} {k.noise_anneal} "
            f"tau {k.temperature_start:g}->{k.temperature_end:g}")


def coordinate_search(ev: Evaluator, steps: int, tie: float, log=print) -> S.ConfidenceKnobs:
    """One pass over each knob in turn from the pack's defaults; a change is kept only when it lowers FD by more
    than `tie` (FD noise), so the defaults win unless something is clearly better."""
    best = DEFAULT
    best_fd = ev.fd("pipeline", "confidence", steps, knobs=best)
    stages = [
        [{"schedule": s} for s in ("linear", "square", "cubic")],
        [{"noise": n} for n in (2.0, 8.0)],
        [{"noise_anneal": "cosine"}],
        [{"temperature_start": 1.0, "temperature_end": 0.8}],
    ]
    for stage in stages:
        base = best
        for change in stage:
            knobs = S.ConfidenceKnobs(**{**base.__dict__, **change})
            if knobs == best:
                continue
            fd = ev.fd("pipeline", "confidence", steps, knobs=knobs)
            if fd < best_fd - tie:
                best, best_fd = knobs, fd
        log(f"after {list(stage[0])}: best {knobs_label(best)} FD {best_fd:.3f}")
    return best


def best_cached(ev: Evaluator, steps: int, tie: float) -> S.ConfidenceKnobs | None:
    """The best knobs among the points already measured at `steps` (fp32, seed 0), for a run that skips the search
    (e.g. one cut off in it): the defaults unless another setting beats them by more than `tie`; None if the
    defaults were never measured there."""
    rows = [r for r in ev.done.values() if r["key"]["order"] == "confidence" and r["key"]["steps"] == steps
            and r["key"]["precision"] == "fp32" and r["key"]["seed"] == 0 and r["key"]["samples"] == ev.samples]
    default_fd = next((r["fd"] for r in rows if r["key"]["confidence"] == DEFAULT.to_manifest()), None)
    if default_fd is None:
        return None
    best = min(rows, key=lambda r: r["fd"])
    return S.ConfidenceKnobs.from_manifest(best["key"]["confidence"]) if best["fd"] < default_fd - tie else DEFAULT


# The per-step-count search's grid, one stage per knob, each stage keeping the best so far (wider than
# coordinate_search's: it serves the --per-steps runs, which are sized for a few step counts, not the whole pack).
PER_STEPS_GRID = (
    tuple({"schedule": s} for s in S.SCHEDULES),
    tuple({"noise": n} for n in (1.5, 3.0, 4.5, 6.0, 8.0)),
    tuple({"noise_anneal": a} for a in S.NOISE_ANNEALS),
    tuple({"temperature_start": a, "temperature_end": b} for a, b in ((1.0, 1.0), (1.0, 0.8), (1.1, 0.9), (0.9, 0.9))),
)


def mean_over_seeds(ev: Evaluator, steps: int, knobs: S.ConfidenceKnobs, seeds: int) -> float:
    """FD of `knobs` at `steps` averaged over seeds 0..seeds-1 (each a fresh draw of every sample)."""
    return sum(ev.fd("pipeline", "confidence", steps, knobs=knobs, seed=i) for i in range(seeds)) / seeds


def search_at(ev: Evaluator, steps: int, start: S.ConfidenceKnobs, tie: float, seeds: int, finalists: int,
              log=print) -> S.ConfidenceKnobs:
    """The knobs for jobs of `steps` steps: a coordinate search over PER_STEPS_GRID from `start` on seed 0 (a change
    kept only when it lowers FD by more than `tie`), then the `finalists` best settings seen at seed 0 measured on
    `seeds` seeds; the lowest seed mean wins (ties within `tie` keep the better seed-0 setting)."""
    start = start.for_steps(steps)
    best, best_fd = start, ev.fd("pipeline", "confidence", steps, knobs=start)
    seen = {best: best_fd}
    for stage in PER_STEPS_GRID:
        base = best
        for change in stage:
            knobs = S.ConfidenceKnobs(**{**base.__dict__, **change})
            if knobs in seen:
                continue
            seen[knobs] = ev.fd("pipeline", "confidence", steps, knobs=knobs)
            if seen[knobs] < best_fd - tie:
                best, best_fd = knobs, seen[knobs]
        log(f"S={steps} after {sorted(stage[0])}: best {knobs_label(best)} FD {best_fd:.3f}")
    ranked = sorted(seen, key=lambda k: seen[k])[:max(1, finalists)]
    means = [(mean_over_seeds(ev, steps, k, seeds), k) for k in ranked]
    winner_mean, winner = means[0]
    for mean, knobs in means[1:]:
        if mean < winner_mean - tie:
            winner_mean, winner = mean, knobs
    log(f"S={steps} finalists over {seeds} seeds: " + "; ".join(f"{knobs_label(k)} {m:.3f}" for m, k in means)
        + f" -> {knobs_label(winner)}")
    return winner


def per_steps_knobs(ev: Evaluator, candidates: list[S.ConfidenceKnobs], sweep: list[int], seeds: int, tie: float,
                    log=print) -> S.ConfidenceKnobs:
    """The pack's knobs with bySteps: every candidate (the winners of search_at, fewest steps first) measured at every
    sweep step count on `seeds` seeds; each step count takes the best mean (a later candidate must beat the one
    chosen for the step count below by more than `tie`, so noise does not flip-flop the choice), and each change of
    choice going up the step counts starts a bySteps entry."""
    chosen: list[tuple[int, S.ConfidenceKnobs]] = []
    current = candidates[0]
    for steps in sorted(sweep):
        means = {k: mean_over_seeds(ev, steps, k, seeds) for k in dict.fromkeys(candidates)}
        best = min(means, key=means.get)
        if means[best] < means[current] - tie:
            current = best
        log(f"S={steps}: " + "; ".join(f"{knobs_label(k)} {m:.3f}" for k, m in means.items()) + f" -> {knobs_label(current)}")
        if not chosen or chosen[-1][1] != current:
            chosen.append((steps, current))
    base = chosen[0][1]
    return S.ConfidenceKnobs(**{**base.__dict__, "by_steps": tuple((m, k) for m, k in chosen[1:])})


def run_per_steps(pack: Path, data: Path, classifier: Path, out: Path, frontier: Path, samples: int, batch: int,
                  search_steps: list[int], sweep: list[int], seeds: int, finalists: int, tie: float, minutes: float,
                  log=print) -> S.ConfidenceKnobs | None:
    """The --per-steps flow: the reference at 64 steps on `seeds` seeds, a search_at for each of `search_steps`
    (starting from the pack's own knobs for that step count), then per_steps_knobs over `sweep`. Returns the knobs
    with bySteps for the manifest (None when cut off by --minutes before they are known)."""
    ev = Evaluator(pack, data, classifier, out, samples, batch, log, deadline=time.monotonic() + minutes * 60)
    manifest = json.loads((pack / "manifest.json").read_text())
    pack_knobs = S.ConfidenceKnobs.from_manifest((manifest.get("sampling") or {}).get("confidence"))
    result: list[S.ConfidenceKnobs | None] = [None]
    ev.after_point = lambda: write_frontier(ev, frontier, result[0], extra=[pack_knobs])
    try:
        for i in range(seeds):
            ev.fd("reference", "reference", 64, seed=i)
        candidates = [search_at(ev, s, pack_knobs, tie, seeds, finalists, log) for s in sorted(search_steps)]
        result[0] = per_steps_knobs(ev, candidates, sweep, seeds, tie, log)
        log("all per-steps stages done")
    except OutOfTime:
        log(f"--minutes {minutes} used up; run again to continue from {ev.cache_path}")
    write_frontier(ev, frontier, result[0], extra=[pack_knobs])
    return result[0]


def write_frontier(ev: Evaluator, path: Path, tuned: S.ConfidenceKnobs | None,
                   extra: tuple | list = ()) -> None:
    """frontier.json from every cached point (seed 0's FD as `fd`; every seed's as fdSeeds when there are more).
    `points` (what `pipeline bench` reads and times) holds the reference order and the confidence points sampled with
    the knobs the tuned knobs give at that step count (tuned.for_steps(S)), MaskGIT's defaults, or any of `extra`
    (e.g. the pack's knobs before this run); `search` holds every other confidence point measured (the search's
    alternatives), which the bench ignores."""
    by_setting: dict[str, list[dict]] = {}
    for row in ev.done.values():
        k = dict(row["key"])
        if k["samples"] != ev.samples:
            continue
        seed = k.pop("seed")
        by_setting.setdefault(json.dumps(k, sort_keys=True), []).append({**row, "seed": seed})
    points, search = [], []
    for text, rows in by_setting.items():
        k = json.loads(text)
        rows.sort(key=lambda r: r["seed"])
        first = next((r for r in rows if r["seed"] == 0), rows[0])
        labels = []
        if k["order"] == "confidence":
            knobs = S.ConfidenceKnobs.from_manifest(k["confidence"])
            labels = [n for n, w in (("tuned", tuned and tuned.for_steps(k["steps"])), ("MaskGIT defaults", DEFAULT))
                      if w == knobs] + (["pack before tuning"] if any(e.for_steps(k["steps"]) == knobs for e in extra) else [])
        point = {"sampler": k["sampler"], "order": k["order"], "steps": k["steps"], "precision": k["precision"],
                 "confidence": k["confidence"], "fd": first["fd"], "samples": k["samples"]}
        if labels:
            point["knobs"] = " and ".join(labels)
        if len(rows) > 1:
            point["fdSeeds"] = [r["fd"] for r in rows]
        (points if k["order"] != "confidence" or labels else search).append(point)
    order = lambda p: (p["sampler"] != "reference", p["order"], p["precision"], p.get("knobs") or "",
                       json.dumps(p["confidence"], sort_keys=True), p["steps"])
    points.sort(key=order)
    search.sort(key=lambda p: (p["steps"], json.dumps(p["confidence"], sort_keys=True)))
    acc = ev.classifier_accuracy
    doc = {
        "evaluator": (f"training/pipeline_training/evaluate.py's FD: Frechet distance in the 128-d penultimate features of "
                      f"the emoji classifier (training/pipeline_training/classifier.py, retrained for this run, held-out "
                      f"accuracy {acc:.3f}) between {ev.samples} generations per point (decoded by the pack's "
                      f"vq_decoder.onnx, 8-bit) and the {ev.held_count} held-out images of training/data/emoji32.npz; "
                      f"temperature 1.0; sampled by training/pipeline_training/sampler.py on the pack's own graphs "
                      f"(fp32: denoiser.onnx in PyTorch; int8: denoiser.int8.onnx in onnx_numpy). Lower is better; "
                      f"compare only with points of the same sample count, not with the README's 1000-sample table."),
        "createdAt": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "tool": TOOL,
        "points": points,
    }
    if search:
        doc["search"] = search
    if tuned:
        doc["tuned"] = tuned.to_manifest()
        doc["knee"] = knee(doc)
    path.write_text(json.dumps(doc, indent=2) + "\n")


def knee(doc: dict, reference_steps: int = 64) -> dict | None:
    """The fewest steps at which the tuned confidence knobs (fp32; those bySteps gives at that step count) are no worse than the reference order at
    `reference_steps`, allowing for FD noise. When both were measured on two or more seeds (fdSeeds): every seed of
    the candidate at or below every seed of the reference (their ranges do not overlap). Otherwise, with a margin:
    FD(tuned, S) + margin <= FD(reference), each FD the mean over the seeds measured and the margin the largest
    seed-to-seed spread measured at any point (10% of the reference's FD when no point has two seeds). The margin rule
    alone penalised a well-measured point by the noisiest point anywhere (its spread grows with every seed added)."""
    points = doc["points"]

    def mean_fd(p):
        seeds = p.get("fdSeeds") or [p["fd"]]
        return sum(seeds) / len(seeds)

    ref = next((p for p in points if p["sampler"] == "reference" and p["steps"] == reference_steps
                and p["precision"] == "fp32"), None)
    tuned = doc.get("tuned")
    if ref is None or tuned is None:
        return None
    spreads = [max(p["fdSeeds"]) - min(p["fdSeeds"]) for p in points if len(p.get("fdSeeds", [])) > 1]
    margin = max(spreads) if spreads else 0.1 * mean_fd(ref)
    knobs = S.ConfidenceKnobs.from_manifest(tuned)

    def no_worse(p):
        if len(p.get("fdSeeds", [])) > 1 and len(ref.get("fdSeeds", [])) > 1:
            return max(p["fdSeeds"]) <= min(ref["fdSeeds"])
        return mean_fd(p) + margin <= mean_fd(ref)

    ok = sorted(p["steps"] for p in points if p["sampler"] == "pipeline" and p["order"] == "confidence"
                and p["precision"] == "fp32" and S.ConfidenceKnobs.from_manifest(p["confidence"]) == knobs.for_steps(p["steps"])
                and no_worse(p))
    return {"steps": ok[0] if ok else None, "margin": round(margin, 4), "referenceFd": round(mean_fd(ref), 4)}


def run(pack: Path, data: Path, classifier: Path, out: Path, frontier: Path, samples: int, batch: int,
        search_steps: int, tie: float, minutes: float, stages: set[str], log=print) -> S.ConfidenceKnobs:
    ev = Evaluator(pack, data, classifier, out, samples, batch, log, deadline=time.monotonic() + minutes * 60)
    tuned: list[S.ConfidenceKnobs | None] = [None]
    ev.after_point = lambda: write_frontier(ev, frontier, tuned[0])
    fd = ev.fd
    try:
        if "anchors" in stages:
            fd("reference", "reference", 64)
            fd("pipeline", "confidence", search_steps, knobs=DEFAULT)
        tuned[0] = best_cached(ev, search_steps, tie)
        if "search" in stages:
            tuned[0] = coordinate_search(ev, search_steps, tie, log)
        best = tuned[0] or DEFAULT
        if "sweep" in stages:
            for s in (4, 12):
                fd("pipeline", "confidence", s, knobs=best)
            fd("reference", "reference", 32)
        if "noise" in stages:
            fd("pipeline", "confidence", search_steps, knobs=best, seed=1)
        if "sweep" in stages:
            fd("pipeline", "confidence", 6, knobs=best)
            fd("reference", "reference", 16)
            for s in (4, 16):
                fd("pipeline", "confidence", s, knobs=DEFAULT)
            fd("pipeline", "confidence", 16, knobs=best)
            fd("reference", "reference", 8)
        if "int8" in stages:
            fd("pipeline", "confidence", search_steps, precision="int8", knobs=best)
        if "noise" in stages:
            fd("reference", "reference", 64, seed=1)
        if "sweep" in stages:
            for s in (6, 12, 32):
                fd("pipeline", "confidence", s, knobs=DEFAULT)
        if "int8" in stages:
            for s in (12, 16):
                fd("pipeline", "confidence", s, precision="int8", knobs=best)
            fd("pipeline", "confidence", search_steps, precision="int8", knobs=DEFAULT)
        if "long" in stages:
            for s in REFERENCE_LONG_STEPS:
                fd("reference", "reference", s)
        log("all stages done")
    except OutOfTime:
        log(f"--minutes {minutes} used up; run again to continue from {ev.cache_path}")
    write_frontier(ev, frontier, tuned[0])
    return tuned[0] or DEFAULT


STAGES = ("anchors", "search", "sweep", "noise", "int8", "long")


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--pack", type=Path, default=Path("models/emoji-32"))
    p.add_argument("--data", type=Path, default=Path("training/data/emoji32.npz"))
    p.add_argument("--classifier", type=Path, default=Path("training/runs/emoji32/classifier.pt"))
    p.add_argument("--out", type=Path, default=Path("training/runs/emoji32/tune"))
    p.add_argument("--frontier", type=Path, help="default: PACK/frontier.json")
    p.add_argument("--samples", type=int, default=300)
    p.add_argument("--batch", type=int, default=100)
    p.add_argument("--search-steps", type=int, default=8)
    p.add_argument("--tie", type=float, default=0.05, help="FD change a knob must beat to be kept")
    p.add_argument("--minutes", type=float, default=60.0)
    p.add_argument("--stages", nargs="+", choices=STAGES, default=list(STAGES))
    p.add_argument("--threads", type=int, default=1,
                   help="torch threads; 1 on a shared machine (OpenMP threads wait on each other when a core is taken)")
    p.add_argument("--per-steps", type=int, nargs="+", metavar="S",
                   help="tune the knobs per step count instead of the stages: a search at each S (e.g. 6 16), then "
                        "every winner at each --sweep-steps count on --seeds seeds; prints the manifest's "
                        "sampling.confidence with bySteps")
    p.add_argument("--sweep-steps", type=int, nargs="+", default=[5, 6, 7, 8, 12, 16, 32])
    p.add_argument("--seeds", type=int, default=3, help="--per-steps: seeds per finalist and per sweep point")
    p.add_argument("--finalists", type=int, default=3, help="--per-steps: settings per search measured on --seeds seeds")
    args = p.parse_args(argv)
    torch.set_num_threads(args.threads)
    frontier = args.frontier or args.pack / "frontier.json"
    if args.per_steps:
        knobs = run_per_steps(args.pack, args.data, args.classifier, args.out, frontier, args.samples, args.batch,
                              args.per_steps, args.sweep_steps, args.seeds, args.finalists, args.tie, args.minutes)
        if knobs is not None:
            print(f"sampling.confidence: {json.dumps(knobs.to_manifest())}")
            print(f"knee: {knee(json.loads(frontier.read_text()))}")
        return
    tuned = run(args.pack, args.data, args.classifier, args.out, args.frontier or args.pack / "frontier.json",
                args.samples, args.batch, args.search_steps, args.tie, args.minutes, set(args.stages))
    print(f"tuned knobs: {json.dumps(tuned.to_manifest())}")
    frontier = args.frontier or args.pack / "frontier.json"
    if frontier.exists():
        print(f"knee: {knee(json.loads(frontier.read_text()))}")


if __name__ == "__main__":
    main()
