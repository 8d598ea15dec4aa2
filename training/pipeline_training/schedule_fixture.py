"""Writes tests/fixtures/confidence-schedule.json: the confidence order's schedule formulas (sampler.py) evaluated on a
grid, which the C# sampler's tests (Pipeline.Sampling.Tests, ConfidenceScheduleParityTests) must reproduce exactly —
so the Python tuning and the engine cannot drift apart — and the knobs manifests with `bySteps` resolve to at each step
count (Pipeline.Engine.Tests, ConfidenceKnobsTests: manifest -> EngineModelPack.ConfidenceFrom -> ForSteps). training/tests/test_tune_schedule.py checks the file is current.

    PYTHONPATH=training /usr/bin/python3 -m pipeline_training.schedule_fixture
"""
from __future__ import annotations

import json
from pathlib import Path

import torch

from . import sampler as S

PATH = Path("tests/fixtures/confidence-schedule.json")
INITIAL_MASKED = (5, 37, 64, 256)
STEPS = (1, 2, 3, 6, 8, 12, 16, 64)
NOISE = 3.25
TEMPERATURES = ((1.0, 1.0), (1.2, 0.7), (0.9, 1.1))
BY_STEPS = (
    {"schedule": "square", "bySteps": [{"minSteps": 12, "schedule": "cosine"}]},
    {"noise": 3.0, "temperatureEnd": 0.8,
     "bySteps": [{"minSteps": 5, "noiseAnneal": "cosine"}, {"minSteps": 8, "schedule": "cubic", "temperatureStart": 1.1},
                 {"minSteps": 16, "noise": 0.0}]},
    {"bySteps": []},
)
RESOLVE_STEPS = (1, 4, 5, 6, 7, 8, 11, 12, 15, 16, 64)


def _exact(x: float) -> str:
    return repr(x)  # repr round-trips a double exactly, so the C# side can compare bit for bit


def cases() -> dict:
    schedules = [{"schedule": schedule, "steps": steps, "initialMasked": m,
                  "maskedAfter": [int(S.confidence_masked_after(torch.tensor([m]), i, steps, schedule)[0])
                                  for i in range(steps)]}
                 for schedule in S.SCHEDULES for steps in STEPS for m in INITIAL_MASKED]
    anneals = []
    for anneal in S.NOISE_ANNEALS:
        knobs = S.ConfidenceKnobs(noise=NOISE, noise_anneal=anneal)
        anneals += [{"noise": NOISE, "noiseAnneal": anneal, "steps": steps,
                     "noiseScale": [_exact(S.noise_scale(knobs, i, steps)) for i in range(steps)]} for steps in STEPS]
    temperatures = []
    for start, end in TEMPERATURES:
        knobs = S.ConfidenceKnobs(temperature_start=start, temperature_end=end)
        temperatures += [{"temperatureStart": start, "temperatureEnd": end, "steps": steps,
                          "multiplier": [_exact(S.temperature_multiplier(knobs, i, steps)) for i in range(steps)]}
                         for steps in STEPS]
    by_steps = [{"confidence": doc,
                 "resolved": [{"steps": steps, **S.ConfidenceKnobs.from_manifest(doc).for_steps(steps).to_manifest()}
                              for steps in RESOLVE_STEPS]}
                for doc in BY_STEPS]
    return {"schedules": schedules, "anneals": anneals, "temperatures": temperatures, "bySteps": by_steps}


def document() -> dict:
    return {"generatedBy": "training/pipeline_training/schedule_fixture.py", **cases()}


def render() -> str:
    """One case per line: small, and a diff shows which case moved."""
    doc = document()
    lines = ["{", f'  "generatedBy": {json.dumps(doc["generatedBy"])},']
    names = ("schedules", "anneals", "temperatures", "bySteps")
    for i, name in enumerate(names):
        lines.append(f'  "{name}": [')
        lines += [f"    {json.dumps(c)}" + ("," if j < len(doc[name]) - 1 else "") for j, c in enumerate(doc[name])]
        lines.append("  ]" + ("," if i < len(names) - 1 else ""))
    lines.append("}")
    return "\n".join(lines) + "\n"


def main() -> None:
    PATH.write_text(render())
    print(f"wrote {PATH}")


if __name__ == "__main__":
    main()
