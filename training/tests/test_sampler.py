"""Reference samplers (pipeline_training.sampler) and the reference benchmark, on tiny random models."""
import json
import math

import pytest
import torch

from pipeline_training import sampler as S
from pipeline_training.bench_reference import bench, load_denoiser
from pipeline_training.bench_reference import main as bench_main
from pipeline_training.transformer import DenoiserConfig, Transformer

V, N = 16, 16


@pytest.fixture(scope="module")
def model():
    torch.manual_seed(0)
    return Transformer(DenoiserConfig(codebook_size=V, block_size=N, n_layers=1, n_emb=16, n_head=2)).eval()


class Recorder(torch.nn.Module):
    """A stand-in denoiser with fixed logits that records how many MASK tokens each row shows per forward."""

    def __init__(self, logits: torch.Tensor | None = None, v: int = V, n: int = N):
        super().__init__()
        self.cfg = DenoiserConfig(codebook_size=v, block_size=n, n_layers=1, n_emb=8, n_head=1)
        self.logits = torch.zeros(n, v) if logits is None else logits
        self.seen: list[torch.Tensor] = []

    def forward(self, idx):
        self.seen.append(idx.clone())
        return self.logits.expand(idx.shape[0], -1, -1).clone()


def gen(seed=0):
    return torch.Generator().manual_seed(seed)


@pytest.mark.parametrize("order", S.ORDERS)
@pytest.mark.parametrize("steps", [1, 3, 16, 40])
def test_every_position_unmasked(model, order, steps):
    x = S.sample(order, model, 5, steps, 1.0, gen())
    assert x.shape == (5, N) and x.dtype == torch.long
    assert ((x >= 0) & (x < V)).all()


@pytest.mark.parametrize("order", S.ORDERS)
def test_known_tokens_never_change(model, order):
    g = gen(3)
    init = torch.randint(0, V, (6, N), generator=g)
    known = torch.rand(6, N, generator=g) < 0.5
    known[0] = True     # a fully known row: nothing to sample
    known[1] = False    # a fully masked row
    out = S.sample(order, model, 6, 8, 1.0, gen(), init=init, known=known)
    assert torch.equal(out[known], init[known])
    assert ((out >= 0) & (out < V)).all()
    # the same start given as MASK ids in init instead of a known mask
    masked_init = torch.where(known, init, torch.full_like(init, V))
    assert torch.equal(S.sample(order, model, 6, 8, 1.0, gen(), init=masked_init), out)


@pytest.mark.parametrize("order", S.ORDERS)
def test_fully_known_start_needs_no_forward(order):
    rec = Recorder()
    init = torch.randint(0, V, (3, N), generator=gen())
    out = S.sample(order, rec, 3, 10, 1.0, gen(), init=init)
    assert torch.equal(out, init) and rec.seen == []


@pytest.mark.parametrize("order", S.ORDERS)
def test_same_seed_same_tokens(model, order):
    a = S.sample(order, model, 4, 8, 1.0, gen(7))
    b = S.sample(order, model, 4, 8, 1.0, gen(7))
    c = S.sample(order, model, 4, 8, 1.0, gen(8))
    assert torch.equal(a, b)
    assert not torch.equal(a, c)


@pytest.mark.parametrize("order", S.ORDERS)
@pytest.mark.parametrize("batch,steps", [(1, 64), (3, 40), (4, 8)])
def test_forward_skip_changes_nothing(model, order, batch, steps):
    skipped, full = S.Counter(), S.Counter()
    a = S.sample(order, model, batch, steps, 1.0, gen(5), skip_idle=True, counter=skipped)
    b = S.sample(order, model, batch, steps, 1.0, gen(5), skip_idle=False, counter=full)
    c = S.sample(order, model, batch, steps, 1.0, gen(5), active_rows_only=True)
    assert torch.equal(a, b) and torch.equal(a, c)
    assert full.forwards == steps
    assert skipped.forwards <= steps
    if steps > N:  # more steps than tokens: some steps must unmask nothing for a single row
        assert batch > 1 or skipped.forwards < steps


def test_reference_skips_idle_steps_for_one_row():
    c = S.Counter()
    S.sample_reference(Recorder(), 1, 256, 1.0, gen(1), counter=c)
    assert c.forwards <= N < 256


def test_reference_unmasks_with_probability_one_over_t():
    rec = Recorder()
    rows, steps = 3000, 4
    S.sample_reference(rec, rows, steps, 1.0, gen(2))
    # forward k (k = 0..S-1, t = S-k) sees the grid before its commits: E[masked fraction] = (S-k)/S
    fractions = [float((x == V).float().mean()) for x in rec.seen]
    assert len(fractions) == steps
    for k, f in enumerate(fractions):
        assert f == pytest.approx((steps - k) / steps, abs=0.01)


def test_exact_k_schedule_is_exact():
    rec = Recorder()
    steps = 5
    S.sample_exact_k(rec, 7, steps, 1.0, gen())
    remaining, expected = N, []
    for t in range(steps, 0, -1):
        expected.append(remaining)
        remaining -= math.ceil(remaining / t)
    assert [sorted(set((x == V).sum(1).tolist())) for x in rec.seen] == [[e] for e in expected]


@pytest.mark.parametrize("steps", [1, 4, 8, 16, 24])
def test_confidence_follows_cosine_schedule(steps):
    rec = Recorder()
    S.sample_confidence(rec, 3, steps, 1.0, gen())
    remaining, expected = N, []
    for s in range(steps):
        if remaining == 0:
            break
        expected.append(remaining)
        target = 0 if s == steps - 1 else math.floor(N * math.cos(math.pi / 2 * (s + 1) / steps))
        remaining -= max(1, remaining - target)
    assert [sorted(set((x == V).sum(1).tolist())) for x in rec.seen] == [[e] for e in expected]


def test_confidence_without_noise_commits_most_confident_first():
    # position p allows tokens 0..N-p-1, equally likely: ln p(sampled) = -ln(N - p) whatever is drawn,
    # so later positions are strictly more confident
    logits = torch.full((N, V), -1e9)
    for p in range(N):
        logits[p, : N - p] = 0.0
    rec = Recorder(logits)
    out = S.sample_confidence(rec, 2, N, 1.0, gen(), noise=0.0)
    assert out[:, N - 1].eq(0).all()
    for k, x in enumerate(rec.seen):  # one commit per step, highest position first
        unmasked = (x[0] != V).nonzero().squeeze(1).tolist()
        assert unmasked == list(range(N - k, N))


def test_temperature_sharpens(model):
    logits = torch.zeros(N, V)
    logits[:, 3] = 2.0
    cold = S.sample_reference(Recorder(logits), 200, 4, 0.05, gen())
    warm = S.sample_reference(Recorder(logits), 200, 4, 5.0, gen())
    assert (cold == 3).float().mean() > 0.99
    assert (warm == 3).float().mean() < 0.3


@pytest.mark.parametrize("bad", [dict(steps=0), dict(temperature=0.0), dict(temperature=float("nan"))])
def test_parameters_are_checked(model, bad):
    kw = dict(steps=4, temperature=1.0) | bad
    with pytest.raises(ValueError):
        S.sample_reference(model, 1, kw["steps"], kw["temperature"], gen())


def test_unknown_order(model):
    with pytest.raises(ValueError):
        S.sample("sideways", model, 1, 4, 1.0, gen())


# ----------------------------------------------------------------------------------------- start helpers

@pytest.mark.parametrize("strength,length,count", [(0.3, 64, 19), (0.6, 64, 38), (0.5, 3, 2), (0.01, 16, 1),
                                                   (1.0, 16, 16), (0.25, 256, 64)])
def test_variation_masks_exact_count(strength, length, count):
    assert S.variation_count(strength, length) == count
    tokens = torch.randint(0, V, (5, length), generator=gen())
    start = S.variation_start(tokens, strength, V, gen(1))
    assert ((start == V).sum(1) == count).all()
    assert torch.equal(start[start != V], tokens[start != V])


@pytest.mark.parametrize("strength", [0.0, -0.1, 1.5])
def test_variation_strength_range(strength):
    with pytest.raises(ValueError):
        S.variation_count(strength, 16)


def test_token_mask_from_pixels_max_pools():
    pix = torch.zeros(32, 32)
    pix[5, 9] = 1.0
    m = S.token_mask_from_pixels(pix, 8, 8)
    assert m.shape == (64,) and m.sum() == 1 and m[1 * 8 + 2]
    pix[5, 9] = 0.4  # below the 0.5 threshold
    assert S.token_mask_from_pixels(pix, 8, 8).sum() == 0


def test_token_mask_boundary_pixel_counts_for_both_tokens():
    pix = torch.zeros(2, 10, 10)
    pix[0, 2, 7] = 1.0  # row 2 lies in token rows 0 (0..2) and 1 (2..4); column 7 in token cols 2 (5..7), 3 (7..9)
    m = S.token_mask_from_pixels(pix, 4, 4).reshape(2, 4, 4)
    assert m[0].nonzero().tolist() == [[0, 2], [0, 3], [1, 2], [1, 3]]
    assert not m[1].any()


def test_inpaint_start_masks_only_the_given_tokens():
    tokens = torch.randint(0, V, (2, N), generator=gen())
    tm = torch.zeros(N, dtype=torch.bool)
    tm[:4] = True
    start = S.inpaint_start(tokens, tm, V)
    assert (start[:, :4] == V).all() and torch.equal(start[:, 4:], tokens[:, 4:])


# --------------------------------------------------------------------------------------------- benchmark

def test_bench_reference_on_the_tiny_pack(repo, capsys):
    bench_main(["--pack", str(repo / "tests/fixtures/tiny-pack"), "--steps", "4", "8", "--batch", "2"])
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [(r["steps"], r["batch"]) for r in lines] == [(4, 2), (8, 2)]
    for r in lines:
        assert r["seconds"] > 0 and r["images_per_s"] == pytest.approx(r["batch"] / r["seconds"], rel=1e-2)
        assert r["torch_threads"] >= 1 and 1 <= r["forwards"] <= r["steps"]


def test_bench_counts_forwards(model):
    r = bench(model, 40, 1)
    assert r["forwards"] <= N and r["forward_rows"] == r["forwards"]
    assert bench(model, 40, 1, skip_idle=False)["forwards"] == 40


def test_bench_loads_a_checkpoint_and_checks_the_pack(tmp_path, model, repo):
    path = tmp_path / "denoiser.pt"
    torch.save({"config": vars(model.cfg) | {}, "ema": model.state_dict(), "step": 3}, path)
    loaded, source = load_denoiser(path, None, False)
    assert "EMA" in source and all(torch.equal(a, b) for a, b in zip(loaded.state_dict().values(),
                                                                      model.state_dict().values()))
    with pytest.raises(SystemExit):  # the tiny pack's architecture differs from this checkpoint's
        load_denoiser(path, repo / "tests/fixtures/tiny-pack", False)


def test_paper_random_builds_the_paper_architecture():
    m, source = load_denoiser(None, None, True)
    assert m.cfg == DenoiserConfig.paper() and "random" in source
