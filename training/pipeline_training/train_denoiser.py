"""Train the absorbing-diffusion denoiser on VQGAN tokens (the reference's reweighted ELBO).

Forward process (docs/architecture.md §1): with t ~ U{1..T}, each token is replaced by MASK with probability t/T; the
transformer predicts the original token at every masked position. Loss (Bond-Taylor et al. 2022, eq. 8,
`reweighted_elbo` in the reference): (1 - t/T) * sum of masked cross-entropies / (ln 2 * N).

Tokens are computed once with the VQGAN's EMA weights (and their horizontal flips, a free 2x of data) and
cached next to the run. Resumable: rerun the same command to continue from RUN/denoiser.pt.
"""
from __future__ import annotations

import argparse
import math
import time
from dataclasses import asdict
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from .common import EMA, Log, load_checkpoint, save_checkpoint, to_tensor
from .data import load
from .transformer import DenoiserConfig, Transformer
from .vqgan import VQAutoEncoder, VQGANConfig


def load_vqgan(run: Path) -> tuple[VQAutoEncoder, int]:
    state = load_checkpoint(run / "vqgan.pt")
    if state is None:
        raise SystemExit(f"no VQGAN checkpoint at {run / 'vqgan.pt'}: train it first (pipeline_training.train_vqgan)")
    model = VQAutoEncoder(VQGANConfig(**state["config"]))
    model.load_state_dict(state["ema"])
    return model.eval(), state["step"]


@torch.no_grad()
def encode_all(vqgan: VQAutoEncoder, images_uint8: np.ndarray, flip: bool) -> torch.Tensor:
    x = to_tensor(images_uint8)
    if flip:
        x = torch.cat([x, x.flip(3)])
    return torch.cat([vqgan.encode_ids(x[i:i + 256]) for i in range(0, len(x), 256)])


def cached_tokens(run: Path, data_path: Path) -> tuple[torch.Tensor, torch.Tensor, int]:
    """Train tokens (with flips) and held-out tokens, cached per VQGAN step."""
    vqgan, vq_step = load_vqgan(run)
    cache = run / f"tokens_vq{vq_step}.pt"
    if cache.exists():
        c = torch.load(cache)
        return c["train"], c["held"], vq_step
    data = load(data_path)
    train, held = encode_all(vqgan, data["train_x"], flip=True), encode_all(vqgan, data["held_x"], flip=False)
    torch.save({"train": train, "held": held}, cache)
    return train, held, vq_step


def absorbing_loss(model: Transformer, x0: torch.Tensor, total_steps: int, gen: torch.Generator) -> torch.Tensor:
    b, n = x0.shape
    mask_id = model.cfg.codebook_size
    t = torch.randint(1, total_steps + 1, (b,), generator=gen)
    masked = torch.rand(b, n, generator=gen) < (t.float() / total_steps).unsqueeze(1)
    xt = torch.where(masked, torch.full_like(x0, mask_id), x0)
    target = torch.where(masked, x0, torch.full_like(x0, -1))
    logits = model(xt)
    ce = F.cross_entropy(logits.permute(0, 2, 1), target, ignore_index=-1, reduction="none").sum(1)
    weight = 1 - t.float() / total_steps
    return (weight * ce / (math.log(2) * n)).mean()


@torch.no_grad()
def held_out_nll(model: Transformer, held: torch.Tensor, total_steps: int) -> float:
    """Mean masked-token cross-entropy (nats) on held-out tokens at a fixed set of mask rates."""
    gen = torch.Generator().manual_seed(1234)
    model.eval()
    losses = []
    for i in range(0, len(held), 256):
        x0 = held[i:i + 256]
        b, n = x0.shape
        rate = torch.rand(b, generator=gen).clamp(0.05, 1.0)
        masked = torch.rand(b, n, generator=gen) < rate.unsqueeze(1)
        xt = torch.where(masked, torch.full_like(x0, model.cfg.codebook_size), x0)
        ce = F.cross_entropy(model(xt).permute(0, 2, 1), x0, reduction="none")
        losses.append(ce[masked])
    return float(torch.cat(losses).mean())


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--data", type=Path, default=Path("training/data/emoji32.npz"))
    p.add_argument("--run", type=Path, default=Path("training/runs/emoji32"))
    p.add_argument("--minutes", type=float, default=80)
    p.add_argument("--max-steps", type=int, default=200_000)
    p.add_argument("--batch", type=int, default=32)
    p.add_argument("--lr", type=float, default=3e-4)
    p.add_argument("--warmup", type=int, default=200)
    p.add_argument("--ema", type=float, default=0.998)
    p.add_argument("--layers", type=int, default=6)
    p.add_argument("--width", type=int, default=256)
    p.add_argument("--heads", type=int, default=8)
    p.add_argument("--total-steps", type=int, default=256, help="T of the forward process (the reference uses 256)")
    p.add_argument("--eval-every", type=int, default=500)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--threads", type=int, default=2)
    args = p.parse_args(argv)
    torch.set_num_threads(args.threads)

    train, held, vq_step = cached_tokens(args.run, args.data)
    ckpt_path = args.run / "denoiser.pt"
    state = load_checkpoint(ckpt_path)
    if state and state["vqgan_step"] != vq_step:
        raise SystemExit(f"{ckpt_path} was trained on VQGAN step {state['vqgan_step']}, the VQGAN is now at {vq_step}: "
                         "move the old checkpoint away to start over")
    codebook = int(load_checkpoint(args.run / "vqgan.pt")["config"]["codebook_size"])
    cfg = DenoiserConfig(**state["config"]) if state else DenoiserConfig(
        codebook_size=codebook, block_size=train.shape[1], n_layers=args.layers, n_emb=args.width, n_head=args.heads)
    torch.manual_seed(args.seed)
    model = Transformer(cfg)
    ema = EMA(model, args.ema)
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, betas=(0.9, 0.95), weight_decay=0.01)
    gen = torch.Generator().manual_seed(args.seed)
    step = 0
    if state:
        model.load_state_dict(state["model"])
        ema.model.load_state_dict(state["ema"])
        opt.load_state_dict(state["opt"])
        gen.set_state(state["rng"])
        step = state["step"]
    log = Log(args.run / "denoiser.log.jsonl")
    print(f"denoiser {asdict(cfg)} params={sum(p.numel() for p in model.parameters())/1e6:.2f}M "
          f"train tokens {tuple(train.shape)} from step {step}", flush=True)

    def checkpoint():
        save_checkpoint(ckpt_path, config=asdict(cfg), model=model.state_dict(), ema=ema.model.state_dict(),
                        opt=opt.state_dict(), rng=gen.get_state(), step=step, vqgan_step=vq_step)

    deadline = time.monotonic() + args.minutes * 60
    last_save = time.monotonic()
    running = None
    while step < args.max_steps and time.monotonic() < deadline:
        model.train()
        for group in opt.param_groups:
            group["lr"] = args.lr * min(1.0, (step + 1) / args.warmup)
        x0 = train[torch.randint(0, len(train), (args.batch,), generator=gen)]
        loss = absorbing_loss(model, x0, args.total_steps, gen)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        ema.update(model)
        step += 1
        running = float(loss) if running is None else 0.98 * running + 0.02 * float(loss)
        if step % 100 == 0:
            log(step=step, loss=running)
        if step % args.eval_every == 0:
            log(step=step, held_nll_ema=held_out_nll(ema.model, held, args.total_steps))
        if time.monotonic() - last_save > 120:
            checkpoint()
            last_save = time.monotonic()
    checkpoint()
    log(step=step, held_nll_ema=held_out_nll(ema.model, held, args.total_steps), final=True)


if __name__ == "__main__":
    main()
