"""The inpainting model: a small bidirectional (BERT-style) transformer over cell tokens.

Input  `tokens`: int64 [batch, N*N], row-major, 0 black, 1 white, 2 hidden.
Output `logits`: float32 [batch, N*N, 2], class 1 = white.

Cells are grouped into patch×patch patches (patch 1: one token per cell). A patch's embedding is the sum
of one learned embedding per (cell within the patch, token value), so nothing about the cells is lost,
and the head gives two logits per cell of the patch. Patches cut attention's cost by patch**4 at
16×16 while the contract stays per cell.

Token embedding + learned per-patch position embedding, pre-LayerNorm encoder blocks written by hand
(nn.TransformerEncoderLayer's fast path has no ONNX export under no_grad), a final LayerNorm and a
per-cell two-way head.
"""
from __future__ import annotations

import math

import torch
from torch import nn


class Block(nn.Module):
    def __init__(self, width: int, heads: int, mlp_ratio: int = 4):
        super().__init__()
        self.heads = heads
        self.head_width = width // heads
        self.norm1 = nn.LayerNorm(width)
        self.qkv = nn.Linear(width, 3 * width)
        self.proj = nn.Linear(width, width)
        self.norm2 = nn.LayerNorm(width)
        self.mlp = nn.Sequential(nn.Linear(width, mlp_ratio * width), nn.GELU(), nn.Linear(mlp_ratio * width, width))

    def attention(self, x: torch.Tensor, return_weights: bool = False):
        b, t, w = x.shape
        q, k, v = self.qkv(x).reshape(b, t, 3, self.heads, self.head_width).permute(2, 0, 3, 1, 4).unbind(0)
        weights = torch.softmax((q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(self.head_width)), dim=-1)
        out = self.proj((weights @ v).transpose(1, 2).reshape(b, t, w))
        return (out, weights) if return_weights else out

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x + self.attention(self.norm1(x))
        return x + self.mlp(self.norm2(x))


class SquareBert(nn.Module):
    def __init__(self, grid_size: int, width: int = 64, depth: int = 4, heads: int = 4, patch: int = 1):
        super().__init__()
        if grid_size % patch:
            raise ValueError(f"patch {patch} does not divide grid size {grid_size}")
        self.grid_size = grid_size
        self.patch = patch
        self.config = {"gridSize": grid_size, "width": width, "depth": depth, "heads": heads, "mlpRatio": 4,
                       "patch": patch}
        per_patch = patch * patch
        self.token_embedding = nn.Embedding(3 * per_patch, width)
        self.register_buffer("token_offset", 3 * torch.arange(per_patch), persistent=False)
        self.position_embedding = nn.Parameter(torch.zeros(1, (grid_size // patch) ** 2, width))
        self.blocks = nn.ModuleList(Block(width, heads) for _ in range(depth))
        self.norm = nn.LayerNorm(width)
        self.head = nn.Linear(width, 2 * per_patch)
        self.apply(self._init)
        # std 1 (PyTorch's default) drowns the position embedding and training stalls.
        nn.init.normal_(self.token_embedding.weight, std=0.02)
        nn.init.normal_(self.position_embedding, std=0.02)

    @staticmethod
    def _init(module: nn.Module) -> None:
        if isinstance(module, nn.Linear):
            nn.init.normal_(module.weight, std=0.02)
            nn.init.zeros_(module.bias)

    def to_patches(self, cells: torch.Tensor) -> torch.Tensor:
        """[B, N*N, ...] row-major cells → [B, patches, patch*patch, ...]."""
        n, p = self.grid_size, self.patch
        rest = cells.shape[2:]
        x = cells.reshape(cells.shape[0], n // p, p, n // p, p, *rest).transpose(2, 3)
        return x.reshape(cells.shape[0], (n // p) ** 2, p * p, *rest)

    def from_patches(self, patches: torch.Tensor) -> torch.Tensor:
        """Inverse of to_patches."""
        n, p = self.grid_size, self.patch
        rest = patches.shape[3:]
        x = patches.reshape(patches.shape[0], n // p, n // p, p, p, *rest).transpose(2, 3)
        return x.reshape(patches.shape[0], n * n, *rest)

    def embed(self, tokens: torch.Tensor) -> torch.Tensor:
        return self.token_embedding(self.to_patches(tokens) + self.token_offset).sum(2) + self.position_embedding

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        x = self.embed(tokens)
        for block in self.blocks:
            x = block(x)
        logits = self.head(self.norm(x))
        return self.from_patches(logits.reshape(logits.shape[0], logits.shape[1], self.patch ** 2, 2))

    def parameter_count(self) -> int:
        return sum(p.numel() for p in self.parameters())
