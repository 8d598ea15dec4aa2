"""Fine-tune the VQGAN decoder (generator) with the encoder and codebook frozen.

Tokens depend only on the encoder and codebook, so once those are frozen the denoiser can train on its
token cache while this script keeps improving reconstructions: the two run side by side. The loss adds an
MSE term to L1 because reconstruction quality is reported as PSNR. The result goes to RUN/decoder.pt
(EMA generator weights); the exporter uses it in place of the VQGAN checkpoint's generator when present.
Resumable like the other training scripts.
"""
from __future__ import annotations

import argparse
import time
from pathlib import Path

import torch
import torch.nn.functional as F

from .common import EMA, Log, load_checkpoint, psnr, save_checkpoint, to_tensor
from .data import load
from .vqgan import VQAutoEncoder, VQGANConfig


def load_vqgan_with_decoder(run: Path) -> tuple[VQAutoEncoder, dict]:
    """The exported VQGAN: EMA encoder/codebook from vqgan.pt, generator from decoder.pt when it exists."""
    state = load_checkpoint(run / "vqgan.pt")
    model = VQAutoEncoder(VQGANConfig(**state["config"]))
    model.load_state_dict(state["ema"])
    info = {"vqgan_step": state["step"], "decoder_finetune_step": 0}
    decoder = load_checkpoint(run / "decoder.pt")
    if decoder is not None and decoder["vqgan_step"] == state["step"]:
        model.generator.load_state_dict(decoder["ema"])
        info["decoder_finetune_step"] = decoder["step"]
    return model.eval(), info


@torch.no_grad()
def encode(model: VQAutoEncoder, x: torch.Tensor) -> torch.Tensor:
    return torch.cat([model.quantize.lookup(model.encode_ids(x[i:i + 256]), model.cfg.latent_size, model.cfg.latent_size)
                      for i in range(0, len(x), 256)])


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--data", type=Path, default=Path("training/data/emoji32.npz"))
    p.add_argument("--run", type=Path, default=Path("training/runs/emoji32"))
    p.add_argument("--minutes", type=float, default=60)
    p.add_argument("--batch", type=int, default=32)
    p.add_argument("--lr", type=float, default=1e-4)
    p.add_argument("--ema", type=float, default=0.995)
    p.add_argument("--mse-weight", type=float, default=1.0)
    p.add_argument("--eval-every", type=int, default=500)
    p.add_argument("--threads", type=int, default=1)
    args = p.parse_args(argv)
    torch.set_num_threads(args.threads)

    vq_state = load_checkpoint(args.run / "vqgan.pt")
    model = VQAutoEncoder(VQGANConfig(**vq_state["config"]))
    model.load_state_dict(vq_state["ema"])
    model.eval()
    data = load(args.data)
    train_x, held_x = to_tensor(data["train_x"]), to_tensor(data["held_x"])
    train_x = torch.cat([train_x, train_x.flip(3)])
    # Quantized latents are fixed once the encoder is: compute them once.
    train_z, held_z = encode(model, train_x), encode(model, held_x)

    generator = model.generator
    ema = EMA(generator, args.ema)
    opt = torch.optim.Adam(generator.parameters(), lr=args.lr, betas=(0.5, 0.9))
    gen = torch.Generator().manual_seed(0)
    ckpt_path = args.run / "decoder.pt"
    state = load_checkpoint(ckpt_path)
    step = 0
    if state is not None and state["vqgan_step"] == vq_state["step"]:
        generator.load_state_dict(state["model"])
        ema.model.load_state_dict(state["ema"])
        opt.load_state_dict(state["opt"])
        gen.set_state(state["rng"])
        step = state["step"]
    else:
        ema.model.load_state_dict(generator.state_dict())
    log = Log(args.run / "decoder.log.jsonl")

    @torch.no_grad()
    def held_psnr() -> float:
        return psnr(torch.cat([ema.model(held_z[i:i + 256]) for i in range(0, len(held_z), 256)]), held_x)

    def checkpoint():
        save_checkpoint(ckpt_path, model=generator.state_dict(), ema=ema.model.state_dict(), opt=opt.state_dict(),
                        rng=gen.get_state(), step=step, vqgan_step=vq_state["step"])

    log(step=step, held_psnr_ema=held_psnr())
    deadline, last_save = time.monotonic() + args.minutes * 60, time.monotonic()
    while time.monotonic() < deadline:
        generator.train()
        idx = torch.randint(0, len(train_z), (args.batch,), generator=gen)
        recon = generator(train_z[idx])
        x = train_x[idx]
        loss = F.l1_loss(recon, x) + args.mse_weight * F.mse_loss(recon, x)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        ema.update(generator)
        step += 1
        if step % 200 == 0:
            log(step=step, loss=float(loss), train_psnr=psnr(recon.detach(), x))
        if step % args.eval_every == 0:
            log(step=step, held_psnr_ema=held_psnr())
        if time.monotonic() - last_save > 120:
            checkpoint()
            last_save = time.monotonic()
    checkpoint()
    log(step=step, held_psnr_ema=held_psnr(), final=True)


if __name__ == "__main__":
    main()
