"""Python reference samplers for the absorbing-diffusion denoiser (docs/architecture.md §1), batched and seeded.

Every sampler takes the denoiser (`transformer.Transformer`: token ids [b, N] in 0..V, V = MASK -> logits
[b, N, V]) and returns finished token grids [b, N] (no MASK left). Randomness comes only from the
`torch.Generator` passed in, so the same seed gives the same tokens. Rows are independent.

Orders:
- `sample_reference`: the upstream `AbsorbingDiffusion.sample()` rule (samb-t/unleashing-transformers,
  models/absorbing_diffusion.py): for t = S..1 every still-masked position is unmasked with probability 1/t
  (decided *before* the forward pass), then the newly unmasked positions are drawn from softmax(logits / tau).
  Differences from upstream, none of which changes the distribution: a partially known start (variation /
  inpainting: known tokens are never touched), sampling only at the positions that change (upstream samples
  the whole grid and discards most of it), and no forward pass in a step where no row changes.
- `sample_exact_k`: a uniformly random subset of exactly ceil(remaining / t) masked positions per step.
- `sample_confidence`: MaskGIT (Chang et al. 2022, §3.2): after step s (0-based) floor(M0 * gamma((s+1)/S))
  positions stay masked; every masked position is sampled at temperature tau * m(s) and the most confident are
  committed, confidence = ln p(token) + a(s) * Gumbel. The knobs (`ConfidenceKnobs`, the pack manifest's
  `sampling.confidence`, the same formulas as Pipeline.Sampling.ConfidenceSchedule in C#):
  gamma = schedule: cosine cos(pi/2 r) (default), linear 1-r, square 1-r^2, cubic 1-r^3;
  a(s) = noise (default 4.5) x anneal: linear 1-(s+1)/S (default), cosine cos(pi/2 (s+1)/S), constant 1;
  m(s) = temperatureStart + (temperatureEnd - temperatureStart) * s/(S-1) (defaults 1, 1; temperatureStart at S = 1).
  `bySteps` gives other knobs from a step count on (`ConfidenceKnobs.for_steps`): a job resolves them from the S it runs.

The job-start helpers (`generation_start`, `variation_start`, `token_mask_from_pixels`, `inpaint_start`)
mirror Pipeline.Sampling.TokenMasks on the C# side (same counts and the same pooling rule).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

import torch
import torch.nn.functional as F

ORDERS = ("reference", "exact-k", "confidence")


# ----------------------------------------------------------------------------------------------- helpers

def mask_id_of(model) -> int:
    return int(model.cfg.codebook_size)


def _start(model, n: int, init: torch.Tensor | None, known: torch.Tensor | None) -> torch.Tensor:
    """The starting grid: all MASK, or `init` with MASK wherever `known` is False (known defaults to
    init != MASK). Returns a fresh int64 tensor [n, N]."""
    mask_id, length = mask_id_of(model), int(model.cfg.block_size)
    if init is None:
        if known is not None:
            raise ValueError("known needs init")
        return torch.full((n, length), mask_id, dtype=torch.long)
    x = init.to(torch.long).clone()
    if x.dim() != 2 or x.shape[0] != n:
        raise ValueError(f"init must be [n={n}, N]; got {tuple(x.shape)}")
    if known is not None:
        if known.shape != x.shape:
            raise ValueError(f"known must match init {tuple(x.shape)}; got {tuple(known.shape)}")
        x[~known.to(torch.bool)] = mask_id
    if ((x < 0) | (x > mask_id)).any():
        raise ValueError(f"token ids must be in 0..{mask_id}")
    return x


@torch.no_grad()
def _forward(model, x: torch.Tensor, rows: torch.Tensor | None) -> torch.Tensor:
    """Logits [b, N, V] for all rows, or [len(rows), N, V] for a subset (rows are independent)."""
    return model(x if rows is None else x[rows])


def _draw(logits: torch.Tensor, temperature: float, gen: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
    """Samples one id per row of logits [k, V] from softmax(logits / tau); returns (ids [k], ln p [k])."""
    logp = F.log_softmax(logits.float() / temperature, dim=-1)
    ids = torch.multinomial(logp.exp(), 1, generator=gen).squeeze(1)
    return ids, logp.gather(1, ids.unsqueeze(1)).squeeze(1)


def _check(steps: int, temperature: float) -> None:
    if steps < 1:
        raise ValueError(f"steps must be at least 1; got {steps}")
    if not (math.isfinite(temperature) and temperature > 0):
        raise ValueError(f"temperature must be a finite number above 0; got {temperature}")


class Counter:
    """Optional instrumentation: forward passes and forward rows actually run."""

    def __init__(self):
        self.forwards = 0
        self.rows = 0

    def add(self, rows: int) -> None:
        self.forwards += 1
        self.rows += rows


def _commit_planned(model, x, changes, temperature, gen, skip_idle, active_rows_only, counter):
    """Runs the forward (unless nothing changes and skip_idle) and samples x at the `changes` positions."""
    row_changes = changes.any(1)
    if skip_idle and not bool(row_changes.any()):
        return
    rows = row_changes.nonzero().squeeze(1) if active_rows_only else None
    logits = _forward(model, x, rows)
    if counter is not None:
        counter.add(logits.shape[0])
    if not bool(changes.any()):
        return  # a forward with nothing to commit draws nothing, so skipping it cannot change the result
    sub = changes[rows] if rows is not None else changes
    ids, _ = _draw(logits[sub], temperature, gen)
    target = x[rows] if rows is not None else x
    target[sub] = ids
    if rows is not None:
        x[rows] = target


# ---------------------------------------------------------------------------------------------- samplers

def sample_reference(model, n: int, steps: int, temperature: float, gen: torch.Generator,
                     init: torch.Tensor | None = None, known: torch.Tensor | None = None, *,
                     skip_idle: bool = True, active_rows_only: bool = False,
                     counter: Counter | None = None) -> torch.Tensor:
    """The upstream sample() rule. `init` [n, N] (ids, MASK where unknown) and/or `known` [n, N] bool give a
    partially known start whose known tokens are never changed.

    skip_idle: no forward in a step where no row changes (identical results either way).
    active_rows_only: forward only the rows that change this step (mathematically identical; floating point
    may differ in the last bits because the batch shape differs, so it is off by default).
    """
    _check(steps, temperature)
    x = _start(model, n, init, known)
    mask_id = mask_id_of(model)
    for t in range(steps, 0, -1):
        # where to unmask, drawn before the forward (one uniform per position every step, as upstream)
        changes = (torch.rand(x.shape, generator=gen) < 1.0 / t) & (x == mask_id)
        _commit_planned(model, x, changes, temperature, gen, skip_idle, active_rows_only, counter)
    assert not (x == mask_id).any()
    return x


def sample_exact_k(model, n: int, steps: int, temperature: float, gen: torch.Generator,
                   init: torch.Tensor | None = None, known: torch.Tensor | None = None, *,
                   skip_idle: bool = True, active_rows_only: bool = False,
                   counter: Counter | None = None) -> torch.Tensor:
    """Exact-K random order: each step commits a uniformly random ceil(remaining / t) of the masked positions."""
    _check(steps, temperature)
    x = _start(model, n, init, known)
    mask_id = mask_id_of(model)
    for t in range(steps, 0, -1):
        masked = x == mask_id
        k = (masked.sum(1) + t - 1) // t                       # ceil(remaining / t) per row
        scores = torch.rand(x.shape, generator=gen).masked_fill(~masked, 2.0)
        ranks = scores.argsort(1).argsort(1)                   # masked positions rank first, in random order
        changes = ranks < k.unsqueeze(1)
        _commit_planned(model, x, changes, temperature, gen, skip_idle, active_rows_only, counter)
    assert not (x == mask_id).any()
    return x


SCHEDULES = ("cosine", "linear", "square", "cubic")
NOISE_ANNEALS = ("linear", "cosine", "constant")


@dataclass(frozen=True)
class ConfidenceKnobs:
    """The confidence order's schedule knobs (manifest `sampling.confidence`); the defaults are MaskGIT's."""
    noise: float = 4.5
    noise_anneal: str = "linear"
    schedule: str = "cosine"
    temperature_start: float = 1.0
    temperature_end: float = 1.0
    # ((minSteps, knobs), ...) ascending: a job of S steps samples with the knobs of the last entry whose minSteps <= S,
    # or with these (the base) when S is below the first; the manifest's `sampling.confidence.bySteps`
    by_steps: tuple = ()

    def __post_init__(self):
        if not (math.isfinite(self.noise) and self.noise >= 0):
            raise ValueError(f"noise must be a finite number of at least 0; got {self.noise}")
        if self.noise_anneal not in NOISE_ANNEALS:
            raise ValueError(f"noiseAnneal must be one of {NOISE_ANNEALS}; got {self.noise_anneal!r}")
        if self.schedule not in SCHEDULES:
            raise ValueError(f"schedule must be one of {SCHEDULES}; got {self.schedule!r}")
        for name, t in (("temperatureStart", self.temperature_start), ("temperatureEnd", self.temperature_end)):
            if not (math.isfinite(t) and t > 0):
                raise ValueError(f"{name} must be a finite number above 0; got {t}")
        previous = 0
        for i, entry in enumerate(self.by_steps):
            min_steps, knobs = entry
            if not isinstance(min_steps, int) or isinstance(min_steps, bool) or min_steps < 1:
                raise ValueError(f"bySteps[{i}].minSteps must be an integer of at least 1; got {min_steps!r}")
            if min_steps <= previous:
                raise ValueError(f"bySteps[{i}].minSteps {min_steps} must be above the previous entry's {previous}")
            if not isinstance(knobs, ConfidenceKnobs) or knobs.by_steps:
                raise ValueError(f"bySteps[{i}] must be plain knobs without a bySteps of their own")
            previous = min_steps

    @staticmethod
    def from_manifest(d: dict | None) -> "ConfidenceKnobs":
        """The knobs of a manifest's `sampling.confidence`; each bySteps entry's missing knobs are the base's."""
        d = dict(d or {})
        entries = d.pop("bySteps", None) or []

        def plain(k: dict) -> "ConfidenceKnobs":
            return ConfidenceKnobs(noise=float(k.get("noise", 4.5)), noise_anneal=k.get("noiseAnneal", "linear"),
                                   schedule=k.get("schedule", "cosine"),
                                   temperature_start=float(k.get("temperatureStart", 1.0)),
                                   temperature_end=float(k.get("temperatureEnd", 1.0)))

        ranges = []
        for i, entry in enumerate(entries):
            entry = dict(entry)
            if "bySteps" in entry:
                raise ValueError(f"bySteps[{i}] must not hold a bySteps of its own")
            min_steps = entry.pop("minSteps", None)
            ranges.append((min_steps, plain({**d, **entry})))
        return ConfidenceKnobs(**plain(d).__dict__ | {"by_steps": tuple(ranges)})

    def to_manifest(self) -> dict:
        doc = {"noise": self.noise, "noiseAnneal": self.noise_anneal, "schedule": self.schedule,
               "temperatureStart": self.temperature_start, "temperatureEnd": self.temperature_end}
        if self.by_steps:
            doc["bySteps"] = [{"minSteps": m, **k.to_manifest()} for m, k in self.by_steps]
        return doc

    def for_steps(self, steps: int) -> "ConfidenceKnobs":
        """The plain knobs a job of `steps` steps samples with (Pipeline.Sampling.ConfidenceSchedule.ForSteps)."""
        chosen = ConfidenceKnobs(**{**self.__dict__, "by_steps": ()})
        for min_steps, knobs in self.by_steps:
            if min_steps <= steps:
                chosen = knobs
        return chosen


def masked_fraction(schedule: str, ratio: float) -> float:
    """gamma(r): the fraction of the initially masked positions still masked at r = (i+1)/S (r*r*r, not pow, so
    that C#'s UnmaskSchedule gives the same double)."""
    if schedule == "cosine":
        return math.cos(math.pi / 2 * ratio)
    if schedule == "linear":
        return 1.0 - ratio
    if schedule == "square":
        return 1.0 - ratio * ratio
    if schedule == "cubic":
        return 1.0 - ratio * ratio * ratio
    raise ValueError(f"unknown schedule {schedule!r}; expected one of {SCHEDULES}")


def noise_scale(knobs: ConfidenceKnobs, step_index: int, steps: int) -> float:
    """a(s): the Gumbel noise scale at 0-based step s of S."""
    if knobs.noise_anneal == "linear":
        return knobs.noise * (1.0 - (step_index + 1) / steps)
    if knobs.noise_anneal == "cosine":
        return knobs.noise * math.cos(math.pi / 2 * ((step_index + 1) / steps))
    return knobs.noise


def temperature_multiplier(knobs: ConfidenceKnobs, step_index: int, steps: int) -> float:
    """m(s): the job temperature's multiplier at 0-based step s of S, linear from start to end."""
    if steps <= 1:
        return knobs.temperature_start
    return knobs.temperature_start + (knobs.temperature_end - knobs.temperature_start) * (step_index / (steps - 1))


def confidence_masked_after(initial_masked: torch.Tensor, step_index: int, steps: int,
                            schedule: str = "cosine") -> torch.Tensor:
    """How many positions stay masked after 0-based step `step_index` of `steps`: floor(M0 * gamma((i+1)/S)),
    0 after the last step."""
    if step_index >= steps - 1:
        return torch.zeros_like(initial_masked)
    ratio = (step_index + 1) / steps
    return torch.floor(initial_masked.double() * masked_fraction(schedule, ratio)).long()


def sample_confidence(model, n: int, steps: int, temperature: float, gen: torch.Generator,
                      init: torch.Tensor | None = None, known: torch.Tensor | None = None, *,
                      noise: float | None = None, knobs: ConfidenceKnobs | None = None, skip_idle: bool = True,
                      active_rows_only: bool = False, counter: Counter | None = None) -> torch.Tensor:
    """MaskGIT confidence order with the schedule `knobs` (default ConfidenceKnobs(): cosine schedule, Gumbel noise
    4.5 annealed linearly, constant temperature); `noise` overrides knobs.noise (0 commits strictly the most
    confident). Each step commits at least one token in every row that still has a masked position."""
    _check(steps, temperature)
    knobs = (knobs or ConfidenceKnobs()).for_steps(steps)  # the knobs of the steps this job actually runs
    if noise is not None:
        knobs = ConfidenceKnobs(**{**knobs.__dict__, "noise": noise})
    x = _start(model, n, init, known)
    mask_id = mask_id_of(model)
    initial = (x == mask_id).sum(1)
    for s in range(steps):
        masked = x == mask_id
        remaining = masked.sum(1)
        commit = (remaining - confidence_masked_after(initial, s, steps, knobs.schedule)).clamp_min(0)
        commit = torch.where(remaining > 0, commit.clamp_min(1), commit).clamp_max(remaining)
        row_active = commit > 0
        if skip_idle and not bool(row_active.any()):
            continue
        rows = row_active.nonzero().squeeze(1) if active_rows_only else torch.arange(n)
        logits = _forward(model, x, rows if active_rows_only else None)
        if counter is not None:
            counter.add(logits.shape[0])
        sub_masked = masked[rows] & row_active[rows].unsqueeze(1)
        if not bool(sub_masked.any()):
            continue
        ids, logp = _draw(logits[sub_masked], temperature * temperature_multiplier(knobs, s, steps), gen)
        scale = noise_scale(knobs, s, steps)
        u = torch.rand(logp.shape, generator=gen, dtype=torch.float64).clamp(1e-20, 1.0 - 1e-16)
        score = torch.full(sub_masked.shape, -math.inf, dtype=torch.float64)
        score[sub_masked] = logp.double() + scale * -torch.log(-torch.log(u))
        cand = torch.full(sub_masked.shape, mask_id, dtype=torch.long)
        cand[sub_masked] = ids
        # commit the `commit` highest scores of each row (stable sort: ties keep the lower position)
        order = torch.sort(score, dim=1, descending=True, stable=True).indices
        chosen = torch.zeros_like(sub_masked)
        chosen.scatter_(1, order, torch.arange(x.shape[1]).unsqueeze(0) < commit[rows].unsqueeze(1))
        chosen &= sub_masked
        block = x[rows]
        block[chosen] = cand[chosen]
        x[rows] = block
    assert not (x == mask_id).any()
    return x


SAMPLERS: dict[str, Callable[..., torch.Tensor]] = {
    "reference": sample_reference, "exact-k": sample_exact_k, "confidence": sample_confidence}


def sample(order: str, model, n: int, steps: int, temperature: float, gen: torch.Generator, **kw) -> torch.Tensor:
    try:
        fn = SAMPLERS[order]
    except KeyError:
        raise ValueError(f"unknown order {order!r}; expected one of {ORDERS}") from None
    return fn(model, n, steps, temperature, gen, **kw)


# ----------------------------------------------------------------------------------- job-start helpers

def generation_start(n: int, length: int, mask_id: int) -> torch.Tensor:
    return torch.full((n, length), mask_id, dtype=torch.long)


def variation_count(strength: float, length: int) -> int:
    """max(1, round(strength * N)) with halves rounded away from zero, as TokenMasks.MaskVariation."""
    if not (0.0 < strength <= 1.0):
        raise ValueError(f"strength must be above 0 and at most 1; got {strength}")
    return min(length, max(1, int(math.floor(strength * length + 0.5))))


def variation_start(tokens: torch.Tensor, strength: float, mask_id: int, gen: torch.Generator) -> torch.Tensor:
    """Re-masks a uniformly random max(1, round(strength * N)) positions of every row of `tokens` [b, N]."""
    b, length = tokens.shape
    count = variation_count(strength, length)
    ranks = torch.rand(b, length, generator=gen).argsort(1).argsort(1)
    out = tokens.clone()
    out[ranks < count] = mask_id
    return out


def token_mask_from_pixels(pixel_mask: torch.Tensor, latent_h: int, latent_w: int) -> torch.Tensor:
    """Max-pools pixel masks [b, H, W] (or [H, W]; a pixel is set at >= 0.5) onto the latent grid: token (r, c)
    is masked when any pixel of rows floor(r*H/h) .. ceil((r+1)*H/h)-1 (likewise columns) is set, so a boundary
    pixel counts for both tokens it touches when H is not a multiple of h. Returns bool [b, h*w] row-major."""
    squeeze = pixel_mask.dim() == 2
    m = (pixel_mask.unsqueeze(0) if squeeze else pixel_mask) >= 0.5
    b, height, width = m.shape
    out = torch.zeros(b, latent_h, latent_w, dtype=torch.bool)
    for r in range(latent_h):
        y0, y1 = r * height // latent_h, -(-(r + 1) * height // latent_h)
        for c in range(latent_w):
            x0, x1 = c * width // latent_w, -(-(c + 1) * width // latent_w)
            out[:, r, c] = m[:, y0:y1, x0:x1].flatten(1).any(1)
    out = out.reshape(b, latent_h * latent_w)
    return out[0] if squeeze else out


def inpaint_start(tokens: torch.Tensor, token_mask: torch.Tensor, mask_id: int) -> torch.Tensor:
    """Sets MASK wherever token_mask [b, N] (or [N], shared by all rows) is True."""
    out = tokens.clone()
    out[token_mask.expand_as(out)] = mask_id
    return out
