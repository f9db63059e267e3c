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

`relative` adds a 2-D relative position bias (as in Swin): each attention layer learns one score per head and
(Δrow, Δcolumn) between query and key patch, added before the softmax. A square's edge then reads the same
wherever it lies (the weight sharing that gives a CNN its head start), while the absolute embedding still marks
the border. In ONNX it is a Gather of each layer's [heads, (2s-1)²] table by one shared [s², s²] index, which
both onnxruntime-web backends run. `relative_init="local"` starts head h at -h/(heads-1)·(|Δrow| + |Δcolumn|):
near cells first, head 0 global.

Optional output `attention` (SquareBert.forward_with_attention, exported beside `logits`): float32
[batch, N*N, N*N], row = query cell, column = input cell, each row summing to 1: attention rollout over all
layers, averaged over heads, patches spread over their cells (see attention_rollout for why rollout).

SquareCnn is the baseline of docs/evaluation.md: the same tokens, patches and head, convolutions instead of
attention. build_model makes either from its `config`; load_checkpoint reads a train.py `--checkpoint` file.
"""
from __future__ import annotations

import math
from pathlib import Path

import torch
from torch import nn


class Block(nn.Module):
    def __init__(self, width: int, heads: int, mlp_ratio: int = 4, offsets: int = 0):
        super().__init__()
        self.heads = heads
        self.head_width = width // heads
        self.norm1 = nn.LayerNorm(width)
        self.qkv = nn.Linear(width, 3 * width)
        self.proj = nn.Linear(width, width)
        self.norm2 = nn.LayerNorm(width)
        self.mlp = nn.Sequential(nn.Linear(width, mlp_ratio * width), nn.GELU(), nn.Linear(mlp_ratio * width, width))
        # One learned score per head and 2-D offset between query and key (see SquareBert's `relative`).
        self.relative_bias = nn.Parameter(torch.zeros(heads, offsets)) if offsets else None

    def attention(self, x: torch.Tensor, return_weights: bool = False, offset: torch.Tensor | None = None):
        b, t, w = x.shape
        q, k, v = self.qkv(x).reshape(b, t, 3, self.heads, self.head_width).permute(2, 0, 3, 1, 4).unbind(0)
        scores = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(self.head_width))
        if self.relative_bias is not None:
            scores = scores + self.relative_bias[:, offset]
        weights = torch.softmax(scores, dim=-1)
        out = self.proj((weights @ v).transpose(1, 2).reshape(b, t, w))
        return (out, weights) if return_weights else out

    def forward(self, x: torch.Tensor, offset: torch.Tensor | None = None) -> torch.Tensor:
        x = x + self.attention(self.norm1(x), offset=offset)
        return x + self.mlp(self.norm2(x))


class SquareBert(nn.Module):
    def __init__(self, grid_size: int, width: int = 64, depth: int = 4, heads: int = 4, patch: int = 1,
                 relative: bool = False, relative_init: str = "zero"):
        super().__init__()
        if grid_size % patch:
            raise ValueError(f"patch {patch} does not divide grid size {grid_size}")
        self.grid_size = grid_size
        self.patch = patch
        self.config = {"gridSize": grid_size, "width": width, "depth": depth, "heads": heads, "mlpRatio": 4,
                       "patch": patch}
        side = grid_size // patch
        offsets = 0
        if relative:
            self.config["relativeBias"] = True
            offsets = (2 * side - 1) ** 2
            row, col = torch.arange(side).repeat_interleave(side), torch.arange(side).repeat(side)
            offset = (row[:, None] - row[None, :] + side - 1) * (2 * side - 1) + (col[:, None] - col[None, :] + side - 1)
            self.register_buffer("offset", offset, persistent=False)
            self.config["relativeInit"] = relative_init
        else:
            self.offset = None
        per_patch = patch * patch
        self.token_embedding = nn.Embedding(3 * per_patch, width)
        self.register_buffer("token_offset", 3 * torch.arange(per_patch), persistent=False)
        self.position_embedding = nn.Parameter(torch.zeros(1, (grid_size // patch) ** 2, width))
        self.blocks = nn.ModuleList(Block(width, heads, offsets=offsets) for _ in range(depth))
        self.norm = nn.LayerNorm(width)
        self.head = nn.Linear(width, 2 * per_patch)
        self.apply(self._init)
        # std 1 (PyTorch's default) drowns the position embedding and training stalls.
        nn.init.normal_(self.token_embedding.weight, std=0.02)
        nn.init.normal_(self.position_embedding, std=0.02)
        if relative and relative_init == "local":
            # Head h starts out favouring near keys, by -slope_h · (|Δrow| + |Δcol|); the first head starts global.
            span = torch.arange(2 * side - 1) - (side - 1)
            distance = (span[:, None].abs() + span[None, :].abs()).flatten().float()
            with torch.no_grad():
                for block in self.blocks:
                    for h in range(heads):
                        block.relative_bias[h] = -distance * (h / max(1, heads - 1))

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
            x = block(x, self.offset)
        return self.cell_logits(x)

    def cell_logits(self, x: torch.Tensor) -> torch.Tensor:
        """The encoder's output [B, patches, width] → logits [B, N*N, 2]."""
        logits = self.head(self.norm(x))
        return self.from_patches(logits.reshape(logits.shape[0], logits.shape[1], self.patch ** 2, 2))

    def encode_with_attention(self, tokens: torch.Tensor) -> tuple[torch.Tensor, list]:
        """The encoder's output [B, patches, width] and each block's attention weights [B, heads, patches,
        patches] (query, key), in one pass that computes exactly what forward computes."""
        x = self.embed(tokens)
        maps = []
        for block in self.blocks:
            out, weights = block.attention(block.norm1(x), return_weights=True, offset=self.offset)
            x = x + out
            x = x + block.mlp(block.norm2(x))
            maps.append(weights)
        return x, maps

    def attention_maps(self, tokens: torch.Tensor) -> list:
        """Each block's attention weights [B, heads, patches, patches] (query, key), for the report."""
        return self.encode_with_attention(tokens)[1]

    def forward_with_attention(self, tokens: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """(logits [B, N*N, 2], the same values as forward; attention [B, N*N, N*N], attention_rollout)."""
        x, maps = self.encode_with_attention(tokens)
        return self.cell_logits(x), self.attention_rollout(maps)

    def attention_rollout(self, maps: list) -> torch.Tensor:
        """Attention rollout (Abnar & Zuidema, 2020) over every layer, averaged over heads, per cell.

        Each layer's head-averaged attention A_l is mixed with the residual connection that bypasses it,
        0.5·A_l + 0.5·I, and the layers are chained: R = (0.5·A_L + 0.5·I) ⋯ (0.5·A_1 + 0.5·I). Row q of R is
        how the final representation of query q draws on each input token. Rollout rather than the last layer
        alone: by the last layer every token already mixes the whole grid, so its map says little about which
        input cells an answer came from. Measured on the bundled models of before the relative position bias,
        over 60 masked images per grid size (prior.sample_batch): of a hidden cell's row, rollout puts 7.3× (8×8)
        and 7.2× (16×16) their share of the grid on the visible cells whose removal would change the exact
        posterior there (the evidence that matters), the last layer 3.8× and 3.7×.

        Returns [B, N*N, N*N] float32: row = query cell, column = input cell, each row summing to 1. With
        patches, a cell's row is its patch's row, and each token's weight is spread evenly over its cells.
        """
        # Few and small ops: onnxruntime computes every output on every run, fetched or not. So (A + I)·R is
        # written A·R + R (one identity constant in the graph, not one per layer), and the factors of 0.5 (and
        # the patch's share) are applied once, at the end.
        flow = maps[0].mean(1) + torch.eye((self.grid_size // self.patch) ** 2)
        for weights in maps[1:]:
            flow = weights.mean(1) @ flow + flow
        flow = flow * (0.5 ** len(maps) / self.patch ** 2)
        if self.patch == 1:
            return flow
        # Patches → cells: each key patch widened to its cells, then each query patch, by Tile on axes of size 1
        # (constant repeats, so no batch-dependent shape ops; the second copies whole rows). Several times
        # cheaper in onnxruntime than gathering cell by cell.
        n, p, side = self.grid_size, self.patch, self.grid_size // self.patch
        keys = flow.reshape(-1, side * side, side, 1, side, 1).repeat(1, 1, 1, p, 1, p)
        cells = keys.reshape(-1, side, 1, side, 1, n * n).repeat(1, 1, p, 1, p, 1)
        return cells.reshape(-1, n * n, n * n)

    def parameter_count(self) -> int:
        return sum(p.numel() for p in self.parameters())


class ConvBlock(nn.Module):
    """Pre-norm residual block: LayerNorm over channels (per cell, so no global statistics leak in), a k×k
    convolution (dilated), GELU, and a 1×1 convolution."""

    def __init__(self, width: int, kernel: int, dilation: int):
        super().__init__()
        self.norm = nn.LayerNorm(width)
        self.conv = nn.Conv2d(width, width, kernel, padding=dilation * (kernel // 2), dilation=dilation)
        self.mix = nn.Conv2d(width, width, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:  # [B, C, H, W]
        h = self.norm(x.permute(0, 2, 3, 1)).permute(0, 3, 1, 2)
        return x + self.mix(nn.functional.gelu(self.conv(h)))


class SquareCnn(nn.Module):
    """The baseline: the same tokens, patches and head as SquareBert, with convolutions in place of attention.

    No position embedding: convolutions are translation-equivariant, and zero padding marks the border.
    `layers` is one (kernel, dilation) per block; the receptive field follows from it.
    """

    def __init__(self, grid_size: int, width: int, layers: list, patch: int = 1):
        super().__init__()
        if grid_size % patch:
            raise ValueError(f"patch {patch} does not divide grid size {grid_size}")
        self.grid_size = grid_size
        self.patch = patch
        layers = [tuple(layer) for layer in layers]
        self.config = {"gridSize": grid_size, "width": width, "layers": [list(layer) for layer in layers],
                       "patch": patch, "receptiveField": receptive_field(layers, patch)}
        per_patch = patch * patch
        self.token_embedding = nn.Embedding(3 * per_patch, width)
        self.register_buffer("token_offset", 3 * torch.arange(per_patch), persistent=False)
        self.blocks = nn.ModuleList(ConvBlock(width, kernel, dilation) for kernel, dilation in layers)
        self.norm = nn.LayerNorm(width)
        self.head = nn.Linear(width, 2 * per_patch)
        nn.init.normal_(self.token_embedding.weight, std=0.02)

    to_patches = SquareBert.to_patches
    from_patches = SquareBert.from_patches
    parameter_count = SquareBert.parameter_count

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        side = self.grid_size // self.patch
        x = self.token_embedding(self.to_patches(tokens) + self.token_offset).sum(2)  # [B, patches, C]
        x = x.transpose(1, 2).reshape(x.shape[0], -1, side, side)
        for block in self.blocks:
            x = block(x)
        x = x.flatten(2).transpose(1, 2)
        logits = self.head(self.norm(x))
        return self.from_patches(logits.reshape(logits.shape[0], logits.shape[1], self.patch ** 2, 2))


def receptive_field(layers: list, patch: int = 1) -> int:
    """Width in cells of the square of input cells that one output patch can see."""
    return patch * (1 + sum((kernel - 1) * dilation for kernel, dilation in layers))


def build_model(arch: str, config: dict) -> nn.Module:
    """A model from its `config` (as SquareBert/SquareCnn.config reports it); the inverse of `model.config`."""
    n = config["gridSize"]
    if arch == "bert":
        return SquareBert(n, config["width"], config["depth"], config["heads"], config["patch"],
                          config.get("relativeBias", False), config.get("relativeInit", "zero"))
    return SquareCnn(n, config["width"], config["layers"], config["patch"])


def load_checkpoint(path: Path) -> tuple[nn.Module, dict | None]:
    """The model a `--checkpoint` file holds (in eval mode), and the training record saved with it, if any."""
    saved = torch.load(path, map_location="cpu")
    model = build_model(saved.get("arch", "bert"), saved["config"])
    model.load_state_dict(saved["state"])
    return model.eval(), saved.get("record")
