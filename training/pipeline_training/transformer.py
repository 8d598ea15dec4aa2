"""Bidirectional transformer denoiser with the module layout of the Unleashing Transformers reference.

Parameter names match the reference `Transformer` (`tok_emb`, `pos_emb`, `blocks.N.{ln1,ln2,attn.{key,query,
value,proj},mlp.{0,2}}`, `ln_f`, `head`), so paper checkpoints (`_denoise_fn.*`) load after stripping the
prefix. No causal mask and no timestep input: the absorbing model sees only which tokens are MASK.
The head predicts the V real codes only (never MASK), so logits are [batch, N, V].
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import torch
import torch.nn as nn


@dataclass(frozen=True)
class DenoiserConfig:
    codebook_size: int = 512
    block_size: int = 64  # tokens per image
    n_layers: int = 6
    n_emb: int = 256
    n_head: int = 8
    dropout: float = 0.0

    @staticmethod
    def paper() -> "DenoiserConfig":
        """Churches / FFHQ absorbing model of the released checkpoints (24 x 512, 8 heads, 16x16 tokens)."""
        return DenoiserConfig(codebook_size=1024, block_size=256, n_layers=24, n_emb=512, n_head=8)


class SelfAttention(nn.Module):
    def __init__(self, cfg: DenoiserConfig):
        super().__init__()
        assert cfg.n_emb % cfg.n_head == 0
        self.key = nn.Linear(cfg.n_emb, cfg.n_emb)
        self.query = nn.Linear(cfg.n_emb, cfg.n_emb)
        self.value = nn.Linear(cfg.n_emb, cfg.n_emb)
        self.proj = nn.Linear(cfg.n_emb, cfg.n_emb)
        self.drop = nn.Dropout(cfg.dropout)
        self.n_head = cfg.n_head

    def forward(self, x):
        b, t, c = x.shape
        hs = c // self.n_head
        k = self.key(x).view(b, t, self.n_head, hs).transpose(1, 2)
        q = self.query(x).view(b, t, self.n_head, hs).transpose(1, 2)
        v = self.value(x).view(b, t, self.n_head, hs).transpose(1, 2)
        att = torch.softmax((q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(hs)), dim=-1)
        y = (self.drop(att) @ v).transpose(1, 2).reshape(b, t, c)
        return self.drop(self.proj(y))


class Block(nn.Module):
    def __init__(self, cfg: DenoiserConfig):
        super().__init__()
        self.ln1 = nn.LayerNorm(cfg.n_emb)
        self.ln2 = nn.LayerNorm(cfg.n_emb)
        self.attn = SelfAttention(cfg)
        self.mlp = nn.Sequential(nn.Linear(cfg.n_emb, 4 * cfg.n_emb), nn.GELU(),
                                 nn.Linear(4 * cfg.n_emb, cfg.n_emb), nn.Dropout(cfg.dropout))

    def forward(self, x):
        x = x + self.attn(self.ln1(x))
        return x + self.mlp(self.ln2(x))


class Transformer(nn.Module):
    def __init__(self, cfg: DenoiserConfig):
        super().__init__()
        self.cfg = cfg
        self.tok_emb = nn.Embedding(cfg.codebook_size + 1, cfg.n_emb)  # + MASK
        self.pos_emb = nn.Parameter(torch.zeros(1, cfg.block_size, cfg.n_emb))
        # Unused by the absorbing model but present in the reference's checkpoints; kept so they load strictly.
        self.start_tok = nn.Parameter(torch.zeros(1, 1, cfg.n_emb))
        self.drop = nn.Dropout(cfg.dropout)
        self.blocks = nn.Sequential(*[Block(cfg) for _ in range(cfg.n_layers)])
        self.ln_f = nn.LayerNorm(cfg.n_emb)
        self.head = nn.Linear(cfg.n_emb, cfg.codebook_size, bias=False)
        self.apply(self._init_weights)

    @staticmethod
    def _init_weights(module):
        if isinstance(module, (nn.Linear, nn.Embedding)):
            module.weight.data.normal_(mean=0.0, std=0.02)
            if isinstance(module, nn.Linear) and module.bias is not None:
                module.bias.data.zero_()
        elif isinstance(module, nn.LayerNorm):
            module.bias.data.zero_()
            module.weight.data.fill_(1.0)

    def forward(self, idx: torch.Tensor) -> torch.Tensor:
        x = self.drop(self.tok_emb(idx) + self.pos_emb[:, : idx.shape[1], :])
        x = self.blocks(x)
        return self.head(self.ln_f(x))
