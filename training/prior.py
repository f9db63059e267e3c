"""The square prior, the masks drawn over it, and the exact posterior.

Prior: an N×N grid (row-major, N*N cells), black background (0) and exactly one white (1) filled,
axis-aligned square whose side runs from 2 to N-2. Every placement (side, row, column) is equally
likely: N=8 has 135 images, N=16 has 1235. Grids smaller than 6 are refused.

Masks: 1 = hidden. Tokens fed to the model: 0 black, 1 white, 2 hidden. The mask families, their rates,
sizes and mixture are defined once, in training/mask-families.json, which training/mask-families.ts (the
TypeScript side's cases) reads too.

Exact posterior: P(cell is white | visible cells) is the average of the prior's images that agree with
every visible cell. It is the yardstick for every quality figure, and the soft target for training.
"""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import torch

MIN_GRID = 6
MASKED = 2

MASK_SPEC = json.loads((Path(__file__).parent / "mask-families.json").read_text())
FAMILY_SPECS = {family["name"]: family for family in MASK_SPEC["families"]}
MASK_FAMILIES = tuple(FAMILY_SPECS)


def check_grid(n: int) -> None:
    if not isinstance(n, int) or n < MIN_GRID:
        raise ValueError(f"grid size must be an integer >= {MIN_GRID}, got {n!r}")


@lru_cache(maxsize=None)
def placements(n: int) -> torch.Tensor:
    """All (side, row, col) of the prior, int64 [S, 3]. Cached: every training batch draws from it; read only."""
    check_grid(n)
    rows = [(s, r, c) for s in range(2, n - 1) for r in range(n - s + 1) for c in range(n - s + 1)]
    return torch.tensor(rows, dtype=torch.int64)


def render(n: int, place: torch.Tensor) -> torch.Tensor:
    """Images of the given placements [B, 3] → float32 [B, n*n] with 1 inside the square."""
    idx = torch.arange(n)
    side, row, col = place[:, 0:1], place[:, 1:2], place[:, 2:3]
    in_rows = (idx >= row) & (idx < row + side)  # [B, n]
    in_cols = (idx >= col) & (idx < col + side)
    return (in_rows[:, :, None] & in_cols[:, None, :]).reshape(-1, n * n).float()


def images(n: int) -> torch.Tensor:
    """Every image of the prior, float32 [S, n*n]."""
    return render(n, placements(n))


def consistent(pixels: torch.Tensor, mask: torch.Tensor, prior_images: torch.Tensor) -> torch.Tensor:
    """Bool [B, S]: which prior images agree with every visible cell of each (pixels, mask) pair."""
    visible = 1.0 - mask.float()
    white = visible * pixels.float()
    black = visible - white
    mismatches = white @ (1.0 - prior_images).T + black @ prior_images.T
    return mismatches < 0.5


def exact_posterior(pixels: torch.Tensor, mask: torch.Tensor, prior_images: torch.Tensor) -> torch.Tensor:
    """P(white) per cell given the visible cells, float32 [B, n*n]. NaN rows where nothing agrees."""
    weights = consistent(pixels, mask, prior_images).float()
    return (weights @ prior_images) / weights.sum(1, keepdim=True)


def tokens(pixels: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    return torch.where(mask.bool(), torch.full_like(pixels, MASKED), pixels).long()


# ---- masks -------------------------------------------------------------------------------------

def _box(n: int, r0, r1, c0, c1) -> torch.Tensor:
    """Bool [B, n*n]: cells with r0 <= row < r1 and c0 <= col < c1 (per-sample bounds, [B, 1])."""
    idx = torch.arange(n)
    rows = (idx >= r0) & (idx < r1)
    cols = (idx >= c0) & (idx < c1)
    return (rows[:, :, None] & cols[:, None, :]).reshape(-1, n * n)


def _randint(lo, hi, g: torch.Generator) -> torch.Tensor:
    """Uniform integers in [lo, hi] (inclusive), elementwise on [B, 1] tensors."""
    u = torch.rand(lo.shape, generator=g)
    return lo + (u * (hi - lo + 1)).floor().long().clamp(max=hi - lo)


def bound(value: int | str, n: int) -> int:
    """An integer bound of the spec: a number, or "N-k" (the grid size less k)."""
    if isinstance(value, int):
        return value
    if value.startswith("N-") and value[2:].isdigit():
        return n - int(value[2:])
    raise ValueError(f"a bound is an integer or 'N-k', got {value!r}")


def _range(spec: dict, n: int, one: torch.Tensor, g: torch.Generator) -> torch.Tensor:
    """A uniform integer per sample from an integer range {low, high} of the spec, [B, 1]."""
    return _randint(bound(spec["low"], n) * one, bound(spec["high"], n) * one, g)


def _rate(spec: float | dict, b: int, g: torch.Generator):
    """A rate of the spec: the number itself, or one draw per sample from {min, span}, [B, 1]."""
    if isinstance(spec, (int, float)):
        return spec
    return spec["min"] + spec["span"] * torch.rand(b, 1, generator=g)


def sample_masks(family: str, n: int, place: torch.Tensor, g: torch.Generator) -> torch.Tensor:
    """Masks (bool [B, n*n], True = hidden) of one family for the images at `place` [B, 3].

    The families are those of mask-families.json. With its values: cells: i.i.d. cells at a rate drawn
    from 5%..98%. rectangles: one to three random boxes. lines: whole rows and columns. corner: a box over
    one corner of the square. square: a box that hides the whole square (and a margin). dense95: 95% of
    cells hidden i.i.d.
    The corner and square kinds depend on the image; the posterior target does not (it assumes nothing
    about how the mask was drawn), so they only widen the inputs the model sees.
    """
    if family not in FAMILY_SPECS:
        raise ValueError(f"unknown mask family {family!r}")
    spec = FAMILY_SPECS[family]
    kind = spec["kind"]
    b = place.shape[0]
    cells = n * n
    one = torch.ones(b, 1, dtype=torch.long)
    if kind == "iid":
        rate = _rate(spec["rate"], b, g)
        return torch.rand(b, cells, generator=g) < rate
    if kind == "boxes":
        mask = torch.zeros(b, cells, dtype=torch.bool)
        count = _range(spec["count"], n, one, g)
        # Every sample draws the most boxes, so that each draws as many numbers; only `count` are kept.
        for k in range(bound(spec["count"]["high"], n)):
            h = _range(spec["side"], n, one, g)
            w = _range(spec["side"], n, one, g)
            r0 = _randint(0 * one, n - h, g)
            c0 = _randint(0 * one, n - w, g)
            mask |= _box(n, r0, r0 + h, c0, c0 + w) & (count > k)
        return mask
    if kind == "lines":
        p_row = _rate(spec["rowRate"], b, g)
        p_col = _rate(spec["colRate"], b, g)
        rows = torch.rand(b, n, generator=g) < p_row
        cols = torch.rand(b, n, generator=g) < p_col
        return (rows[:, :, None] | cols[:, None, :]).reshape(b, cells)
    side, row, col = place[:, 0:1], place[:, 1:2], place[:, 2:3]
    if kind == "corner":
        right = torch.rand(b, 1, generator=g) < 0.5
        bottom = torch.rand(b, 1, generator=g) < 0.5
        cr = torch.where(bottom, row + side - 1, row)
        cc = torch.where(right, col + side - 1, col)
        reach = _range(spec["reach"], n, one, g)
        return _box(n, cr - reach + 1, cr + reach, cc - reach + 1, cc + reach)
    if kind == "square":
        margin = _range(spec["margin"], n, one, g)
        return _box(n, row - margin, row + side + margin, col - margin, col + side + margin)
    raise ValueError(f"mask family {family!r} has an unknown kind {kind!r}")


def sample_batch(n: int, batch: int, g: torch.Generator, prior_images: torch.Tensor,
                 families=MASK_FAMILIES, family_weights=None):
    """A training or evaluation batch: (pixels, mask, family index) with a family per sample, drawn with
    `family_weights` (by default each family's weight in mask-families.json).

    mix_noise then gives some samples extra i.i.d. hidden cells on top of their family mask (mixtures).
    """
    place_all = placements(n)
    pick = torch.randint(len(place_all), (batch,), generator=g)
    place = place_all[pick]
    pixels = prior_images[pick]
    if family_weights is None:
        family_weights = [FAMILY_SPECS[name]["weight"] for name in families]
    weights = torch.tensor(family_weights, dtype=torch.float)
    fam = torch.multinomial(weights, batch, replacement=True, generator=g)
    mask = torch.zeros(batch, n * n, dtype=torch.bool)
    for i, name in enumerate(families):
        rows = (fam == i).nonzero().squeeze(1)
        if len(rows):
            mask[rows] = sample_masks(name, n, place[rows], g)
    return pixels, mask.float(), fam


NOISE = MASK_SPEC["mixture"]["noise"]


def mix_noise(mask: torch.Tensor, g: torch.Generator, share: float = NOISE["share"]) -> torch.Tensor:
    """Adds i.i.d. hidden cells to a share of the masks: mixtures of families. The rate (up to 50%) and the
    default share are mask-families.json's mixture noise."""
    b, cells = mask.shape
    chosen = torch.rand(b, 1, generator=g) < share
    rate = _rate(NOISE["rate"], b, g)
    extra = (torch.rand(b, cells, generator=g) < rate) & chosen
    return torch.maximum(mask, extra.float())


def decoding_masks(mask: torch.Tensor, posterior: torch.Tensor, g: torch.Generator) -> torch.Tensor:
    """Masks like those iterative decoding leaves: most cells the posterior is sure of are revealed, the
    uncertain ones stay hidden, and a random share of those is revealed at its true value (as a decoder's
    commits would be). The model otherwise rarely sees a hidden region that is exactly the ambiguous band."""
    b, cells = mask.shape
    hidden = mask.bool()
    uncertain = hidden & (posterior > 0) & (posterior < 1)
    keep_certain = torch.rand(b, 1, generator=g) * 0.5
    reveal_uncertain = torch.rand(b, 1, generator=g) * 0.7
    u = torch.rand(b, cells, generator=g)
    new = (uncertain & (u >= reveal_uncertain)) | (hidden & ~uncertain & (u < keep_certain))
    return new.float()
