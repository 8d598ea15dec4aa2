"""Train the emoji-32 VQGAN (L1 + codebook/commitment loss, dead-code restarts, EMA weights).

Resumable: state is checkpointed every few minutes to RUN/vqgan.pt; run the same command again to
continue. `--minutes` bounds this invocation's wall time, so a long training is a sequence of runs.
"""
from __future__ import annotations

import argparse
import time
from dataclasses import asdict
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from .common import EMA, Log, load_checkpoint, psnr, save_checkpoint, to_tensor
from .data import load
from .vqgan import VQAutoEncoder, VQGANConfig


def restart_dead_codes(model: VQAutoEncoder, ema: EMA, usage: torch.Tensor, z: torch.Tensor, gen: torch.Generator) -> int:
    """Re-seed codes unused since the last restart with random encoder outputs from the batch.

    Without this a large share of a 512-code book never wins an argmin and the effective vocabulary shrinks.
    """
    dead = (usage == 0).nonzero().flatten()
    if len(dead) == 0:
        return 0
    flat = z.detach().permute(0, 2, 3, 1).reshape(-1, z.shape[1])
    pick = torch.randint(0, flat.shape[0], (len(dead),), generator=gen)
    fresh = flat[pick] + 0.01 * torch.randn(len(dead), flat.shape[1], generator=gen)
    with torch.no_grad():
        model.quantize.embedding.weight[dead] = fresh
        ema.model.quantize.embedding.weight[dead] = fresh
    return len(dead)


@torch.no_grad()
def evaluate(model: VQAutoEncoder, held: torch.Tensor) -> tuple[float, int]:
    model.eval()
    recon, ids = [], []
    for i in range(0, len(held), 128):
        x = held[i:i + 128]
        token_ids = model.encode_ids(x)
        recon.append(model.decode_ids(token_ids))
        ids.append(token_ids)
    used = int(torch.cat(ids).unique().numel())
    return psnr(torch.cat(recon), held), used


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--data", type=Path, default=Path("training/data/emoji32.npz"))
    p.add_argument("--run", type=Path, default=Path("training/runs/emoji32"))
    p.add_argument("--minutes", type=float, default=25)
    p.add_argument("--max-steps", type=int, default=100_000)
    p.add_argument("--batch", type=int, default=32)
    p.add_argument("--lr", type=float, default=3e-4)
    p.add_argument("--ema", type=float, default=0.995)
    p.add_argument("--nf", type=int, default=32)
    p.add_argument("--ch-mult", type=int, nargs="+", default=[1, 2, 4])
    p.add_argument("--codebook", type=int, default=512)
    p.add_argument("--emb-dim", type=int, default=64)
    p.add_argument("--restart-every", type=int, default=200)
    p.add_argument("--eval-every", type=int, default=500)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--threads", type=int, default=2)
    args = p.parse_args(argv)
    torch.set_num_threads(args.threads)

    data = load(args.data)
    train, held = to_tensor(data["train_x"]), to_tensor(data["held_x"])
    ckpt_path = args.run / "vqgan.pt"
    state = load_checkpoint(ckpt_path)
    cfg = VQGANConfig(**state["config"]) if state else VQGANConfig(nf=args.nf, ch_mult=tuple(args.ch_mult), codebook_size=args.codebook, emb_dim=args.emb_dim)
    torch.manual_seed(args.seed)
    model = VQAutoEncoder(cfg)
    ema = EMA(model, args.ema)
    opt = torch.optim.Adam(model.parameters(), lr=args.lr, betas=(0.5, 0.9))
    gen = torch.Generator().manual_seed(args.seed)
    step = 0
    if state:
        model.load_state_dict(state["model"])
        ema.model.load_state_dict(state["ema"])
        opt.load_state_dict(state["opt"])
        gen.set_state(state["rng"])
        step = state["step"]
    log = Log(args.run / "vqgan.log.jsonl")
    print(f"vqgan {asdict(cfg)} params={sum(p.numel() for p in model.parameters())/1e6:.2f}M from step {step}")

    def checkpoint():
        save_checkpoint(ckpt_path, config=asdict(cfg), model=model.state_dict(), ema=ema.model.state_dict(),
                        opt=opt.state_dict(), rng=gen.get_state(), step=step)

    deadline = time.monotonic() + args.minutes * 60
    last_save = time.monotonic()
    usage = torch.zeros(cfg.codebook_size, dtype=torch.long)
    while step < args.max_steps and time.monotonic() < deadline:
        model.train()
        idx = torch.randint(0, len(train), (args.batch,), generator=gen)
        x = train[idx]
        flip = torch.rand(args.batch, generator=gen) < 0.5
        x = torch.where(flip[:, None, None, None], x.flip(3), x)
        recon, codebook_loss, ids, z = model(x)
        loss = F.l1_loss(recon, x) + codebook_loss
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        ema.update(model)
        usage += torch.bincount(ids.flatten(), minlength=cfg.codebook_size)
        step += 1
        if step % args.restart_every == 0:
            restarted = restart_dead_codes(model, ema, usage, z, gen) if step < args.max_steps * 0.8 else 0
            log(step=step, loss=float(loss), train_psnr=psnr(recon.detach(), x),
                codes_used=int((usage > 0).sum()), restarted=restarted)
            usage.zero_()
        if step % args.eval_every == 0:
            held_psnr, held_used = evaluate(ema.model, held)
            log(step=step, held_psnr_ema=held_psnr, held_codes_used=held_used)
        if time.monotonic() - last_save > 120:
            checkpoint()
            last_save = time.monotonic()
    checkpoint()
    held_psnr, held_used = evaluate(ema.model, held)
    log(step=step, held_psnr_ema=held_psnr, held_codes_used=held_used, final=True)


if __name__ == "__main__":
    main()
