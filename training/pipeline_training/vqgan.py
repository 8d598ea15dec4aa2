"""VQGAN autoencoder with the module layout of the Unleashing Transformers reference.

Module and parameter names match the reference (`encoder.blocks.N.*`, `quantize.embedding.weight`,
`generator.blocks.N.*`) so one exporter serves both our small emoji model and the paper checkpoints
(whose keys carry an extra `ae.` prefix). Differences from the reference, on purpose:
- no `.cuda()` in constructors (the reference generator's `logsigma` head calls it; the released files
  lack `logsigma` anyway, so we never build it);
- the quantizer is written as distance -> argmin -> embedding lookup, which exports to ONNX cleanly
  (the reference's one-hot scatter + matmul does not).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import torch
import torch.nn as nn
import torch.nn.functional as F


@dataclass(frozen=True)
class VQGANConfig:
    img_size: int = 32
    n_channels: int = 3
    nf: int = 64
    ch_mult: tuple[int, ...] = (1, 2, 2)
    res_blocks: int = 1
    attn_resolutions: tuple[int, ...] = ()
    codebook_size: int = 512
    emb_dim: int = 64
    beta: float = 0.25

    @property
    def latent_size(self) -> int:
        return self.img_size // 2 ** (len(self.ch_mult) - 1)

    @staticmethod
    def paper() -> "VQGANConfig":
        """Churches / FFHQ settings of the released checkpoints (256 px, 16x16 tokens, 1024 codes)."""
        return VQGANConfig(img_size=256, nf=128, ch_mult=(1, 1, 2, 2, 4), res_blocks=2,
                           attn_resolutions=(16,), codebook_size=1024, emb_dim=256)


def normalize(channels: int) -> nn.GroupNorm:
    return nn.GroupNorm(num_groups=32, num_channels=channels, eps=1e-6, affine=True)


def swish(x: torch.Tensor) -> torch.Tensor:
    return x * torch.sigmoid(x)


class Downsample(nn.Module):
    def __init__(self, channels: int):
        super().__init__()
        self.conv = nn.Conv2d(channels, channels, kernel_size=3, stride=2, padding=0)

    def forward(self, x):
        return self.conv(F.pad(x, (0, 1, 0, 1), mode="constant", value=0))


class Upsample(nn.Module):
    def __init__(self, channels: int):
        super().__init__()
        self.conv = nn.Conv2d(channels, channels, kernel_size=3, stride=1, padding=1)

    def forward(self, x):
        return self.conv(F.interpolate(x, scale_factor=2.0, mode="nearest"))


class ResBlock(nn.Module):
    def __init__(self, in_channels: int, out_channels: int):
        super().__init__()
        self.in_channels, self.out_channels = in_channels, out_channels
        self.norm1 = normalize(in_channels)
        self.conv1 = nn.Conv2d(in_channels, out_channels, 3, 1, 1)
        self.norm2 = normalize(out_channels)
        self.conv2 = nn.Conv2d(out_channels, out_channels, 3, 1, 1)
        # The reference always creates conv_out (so checkpoints carry it) but uses it only on a width change.
        self.conv_out = nn.Conv2d(in_channels, out_channels, 1, 1, 0)

    def forward(self, x_in):
        x = self.conv1(swish(self.norm1(x_in)))
        x = self.conv2(swish(self.norm2(x)))
        if self.in_channels != self.out_channels:
            x_in = self.conv_out(x_in)
        return x + x_in


class AttnBlock(nn.Module):
    def __init__(self, channels: int):
        super().__init__()
        self.norm = normalize(channels)
        self.q = nn.Conv2d(channels, channels, 1)
        self.k = nn.Conv2d(channels, channels, 1)
        self.v = nn.Conv2d(channels, channels, 1)
        self.proj_out = nn.Conv2d(channels, channels, 1)

    def forward(self, x):
        h = self.norm(x)
        q, k, v = self.q(h), self.k(h), self.v(h)
        b, c, hh, ww = q.shape
        q = q.reshape(b, c, hh * ww).permute(0, 2, 1)          # b, hw, c
        k = k.reshape(b, c, hh * ww)                           # b, c, hw
        w = torch.softmax(torch.bmm(q, k) * (int(c) ** -0.5), dim=2)
        v = v.reshape(b, c, hh * ww)
        h = torch.bmm(v, w.permute(0, 2, 1)).reshape(b, c, hh, ww)
        return x + self.proj_out(h)


class Encoder(nn.Module):
    def __init__(self, cfg: VQGANConfig):
        super().__init__()
        res = cfg.img_size
        in_mult = (1,) + tuple(cfg.ch_mult)
        blocks: list[nn.Module] = [nn.Conv2d(cfg.n_channels, cfg.nf, 3, 1, 1)]
        ch = cfg.nf
        for i, mult in enumerate(cfg.ch_mult):
            ch = cfg.nf * in_mult[i]
            out = cfg.nf * mult
            for _ in range(cfg.res_blocks):
                blocks.append(ResBlock(ch, out))
                ch = out
                if res in cfg.attn_resolutions:
                    blocks.append(AttnBlock(ch))
            if i != len(cfg.ch_mult) - 1:
                blocks.append(Downsample(ch))
                res //= 2
        blocks += [ResBlock(ch, ch), AttnBlock(ch), ResBlock(ch, ch), normalize(ch),
                   nn.Conv2d(ch, cfg.emb_dim, 3, 1, 1)]
        self.blocks = nn.ModuleList(blocks)

    def forward(self, x):
        for block in self.blocks:
            x = block(x)
        return x


class Generator(nn.Module):
    def __init__(self, cfg: VQGANConfig):
        super().__init__()
        ch = cfg.nf * cfg.ch_mult[-1]
        res = cfg.latent_size
        blocks: list[nn.Module] = [nn.Conv2d(cfg.emb_dim, ch, 3, 1, 1), ResBlock(ch, ch), AttnBlock(ch), ResBlock(ch, ch)]
        for i in reversed(range(len(cfg.ch_mult))):
            out = cfg.nf * cfg.ch_mult[i]
            for _ in range(cfg.res_blocks):
                blocks.append(ResBlock(ch, out))
                ch = out
                if res in cfg.attn_resolutions:
                    blocks.append(AttnBlock(ch))
            if i != 0:
                blocks.append(Upsample(ch))
                res *= 2
        blocks += [normalize(ch), nn.Conv2d(ch, cfg.n_channels, 3, 1, 1)]
        self.blocks = nn.ModuleList(blocks)

    def forward(self, x):
        for block in self.blocks:
            x = block(x)
        return x


class VectorQuantizer(nn.Module):
    def __init__(self, codebook_size: int, emb_dim: int, beta: float):
        super().__init__()
        self.codebook_size, self.emb_dim, self.beta = codebook_size, emb_dim, beta
        self.embedding = nn.Embedding(codebook_size, emb_dim)
        self.embedding.weight.data.uniform_(-1.0 / codebook_size, 1.0 / codebook_size)

    def nearest(self, z: torch.Tensor) -> torch.Tensor:
        """z [b, d, h, w] -> token ids [b, h*w], row-major (idx = row*w + col)."""
        b, d, h, w = z.shape
        flat = z.permute(0, 2, 3, 1).reshape(b, h * w, d)
        e = self.embedding.weight
        # ||z - e||^2 = ||z||^2 + ||e||^2 - 2 z.e ; ||z||^2 is constant per row so argmin ignores it
        dist = (e * e).sum(1) - 2 * flat @ e.t()
        return dist.argmin(dim=-1)

    def lookup(self, ids: torch.Tensor, h: int, w: int) -> torch.Tensor:
        """ids [b, h*w] -> z_q [b, d, h, w]."""
        return self.embedding(ids).reshape(ids.shape[0], h, w, self.emb_dim).permute(0, 3, 1, 2)

    def forward(self, z):
        ids = self.nearest(z)
        z_q = self.lookup(ids, z.shape[2], z.shape[3])
        loss = F.mse_loss(z_q, z.detach()) + self.beta * F.mse_loss(z, z_q.detach())
        z_q = z + (z_q - z).detach()  # straight-through gradient
        return z_q, loss, ids


class VQAutoEncoder(nn.Module):
    def __init__(self, cfg: VQGANConfig):
        super().__init__()
        self.cfg = cfg
        self.encoder = Encoder(cfg)
        self.quantize = VectorQuantizer(cfg.codebook_size, cfg.emb_dim, cfg.beta)
        self.generator = Generator(cfg)

    def forward(self, x):
        z = self.encoder(x)
        z_q, codebook_loss, ids = self.quantize(z)
        return self.generator(z_q), codebook_loss, ids, z

    def encode_ids(self, x: torch.Tensor) -> torch.Tensor:
        return self.quantize.nearest(self.encoder(x))

    def decode_ids(self, ids: torch.Tensor) -> torch.Tensor:
        s = self.cfg.latent_size
        return self.generator(self.quantize.lookup(ids, s, s))
