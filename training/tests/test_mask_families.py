"""The mask families agree between Python and TypeScript.

Both sides read training/mask-families.json: prior.py draws the training and held-out masks with torch,
training/mask-families.ts draws the cases of the tests, decoding-eval.ts and scripts/ with mulberry32. The
PRNGs differ, so the masks cannot be equal; instead, for fixed seeds on both sides, this test checks that
- both sides list the same families, in the same order (the default ones, then otherFamilies: half);
- every mask of either side is a legal member of its family under the spec: the right boxes around the
  square, whole rows and columns, at most `count.high` rectangles, with each drawn size in its range, and
  every size of the range drawn;
- the rates the spec gives are the rates drawn on each side;
- the two sides' distributions of hidden cells, of hidden cells on the square and of square sides match
  (two-sample Kolmogorov-Smirnov at a 1e-6 level).
"""
from __future__ import annotations

import functools
import itertools
import json
import operator
import subprocess
import unittest
from pathlib import Path

import numpy as np
import torch

from training.prior import FAMILY_SPECS, MASK_FAMILIES, PRIOR_FAMILIES, bound, images, sample_batch

ROOT = Path(__file__).resolve().parents[2]
GRIDS = (8, 16)
CASES = 1500
# Every family either side draws: the default ones, then those only some priors draw.
FAMILIES = tuple(FAMILY_SPECS)
# Case t of family number f and grid n: seed f * 1_000_003 + n * 10_007 + t (no other test uses these).
TYPESCRIPT_CASES = """
import { MASK_FAMILIES, OTHER_FAMILIES, maskCase } from './training/mask-families.ts';
const [grids, count] = JSON.parse(process.argv[1]);
const cases = {};
[...MASK_FAMILIES, ...OTHER_FAMILIES].forEach((family, f) => {
  cases[family] = {};
  for (const n of grids) {
    cases[family][n] = Array.from({ length: count }, (_, t) => {
      const { square, mask } = maskCase(family, n, f * 1_000_003 + n * 10_007 + t);
      return [square.side, square.row, square.col, mask.join('')];
    });
  }
});
console.log(JSON.stringify({ families: MASK_FAMILIES, others: OTHER_FAMILIES, cases }));
"""


def typescript_cases() -> dict:
    out = subprocess.run(["node", "--import", "tsx", "--input-type=module", "-e", TYPESCRIPT_CASES,
                          json.dumps([GRIDS, CASES])], cwd=ROOT, capture_output=True, text=True, timeout=600)
    if out.returncode != 0:
        raise RuntimeError(out.stderr)
    return json.loads(out.stdout)


def python_cases(family: str, n: int) -> tuple[np.ndarray, np.ndarray]:
    """(squares [B, 3] side/row/col, masks bool [B, n, n]) from prior.sample_batch, one family."""
    g = torch.Generator().manual_seed(FAMILIES.index(family) * 100 + n)
    pixels, mask, _ = sample_batch(n, CASES, g, images(n), families=(family,))
    pixels = pixels.reshape(-1, n, n).numpy() > 0.5
    rows, cols = pixels.any(2), pixels.any(1)
    squares = np.stack([rows.sum(1), rows.argmax(1), cols.argmax(1)], 1)
    return squares, mask.reshape(-1, n, n).numpy() > 0.5


def box(n: int, top: int, bottom: int, left: int, right: int) -> np.ndarray:
    """Bool [n, n]: the cells with top <= row < bottom and left <= col < right, clipped to the grid."""
    cells = np.zeros((n, n), dtype=bool)
    cells[max(0, top):max(0, bottom), max(0, left):max(0, right)] = True
    return cells


def integers(spec: dict, n: int) -> range:
    return range(bound(spec["low"], n), bound(spec["high"], n) + 1)


def rectangle_cover(mask: np.ndarray) -> int | None:
    """The fewest axis-aligned rectangles whose union is exactly the hidden cells, up to 3 (None beyond).

    Any rectangle inside the hidden cells grows to a maximal one, so the maximal rectangles suffice."""
    n = mask.shape[0]
    sums = np.zeros((n + 1, n + 1), dtype=np.int64)
    sums[1:, 1:] = mask.cumsum(0).cumsum(1)
    r0, r1, c0, c1 = np.ix_(*(np.arange(n + 1),) * 4)
    hidden = sums[r1, c1] - sums[r0, c1] - sums[r1, c0] + sums[r0, c0]
    full = (r1 > r0) & (c1 > c0) & (hidden == (r1 - r0) * (c1 - c0))
    grows = np.zeros_like(full)
    grows[1:] |= full[:-1]  # one more row on top
    grows[:, :-1] |= full[:, 1:]  # one more row below
    grows[:, :, 1:] |= full[:, :, :-1]  # one more column on the left
    grows[:, :, :, :-1] |= full[:, :, :, 1:]  # one more column on the right
    maximal = [box(n, *edges).tobytes() for edges in np.argwhere(full & ~grows)]
    target = mask.tobytes()
    as_bits = lambda cells: int.from_bytes(cells, "little")  # noqa: E731
    want = as_bits(target)
    bits = [as_bits(cells) for cells in maximal]
    if want == 0:
        return 0
    for k in (1, 2, 3):
        if any(functools.reduce(operator.or_, chosen) == want for chosen in itertools.combinations(bits, k)):
            return k
    return None


def member(spec: dict, n: int, square, mask: np.ndarray) -> tuple[bool, int | None]:
    """Whether `mask` is one the family can draw for `square`, and the size it was drawn with where the
    mask tells it (the reach, the margin; None where it does not)."""
    side, row, col = (int(v) for v in square)
    kind = spec["kind"]
    if kind == "iid":
        return True, None
    if kind == "lines":
        rows, cols = mask.all(1), mask.all(0)
        return bool((mask == (rows[:, None] | cols[None, :])).all()), None
    if kind == "half":
        h = n // 2
        halves = [box(n, 0, h, 0, n), box(n, n - h, n, 0, n), box(n, 0, n, 0, h), box(n, 0, n, n - h, n)]
        which = [i for i, cells in enumerate(halves) if (mask == cells).all()]
        return bool(which), which[0] if which else None
    if kind == "boxes":
        cover = rectangle_cover(mask)
        return cover is not None and cover >= bound(spec["count"]["low"], n), None
    if kind == "corner":
        sizes = {reach for reach in integers(spec["reach"], n)
                 for r in (row, row + side - 1) for c in (col, col + side - 1)
                 if (mask == box(n, r - reach + 1, r + reach, c - reach + 1, c + reach)).all()}
    elif kind == "square":
        sizes = {m for m in integers(spec["margin"], n)
                 if (mask == box(n, row - m, row + side + m, col - m, col + side + m)).all()}
    else:
        raise AssertionError(f"no membership check for kind {kind!r}")
    return bool(sizes), sizes.pop() if len(sizes) == 1 else None


def ks_statistic(a: np.ndarray, b: np.ndarray) -> float:
    """Two-sample Kolmogorov-Smirnov statistic: the largest gap between the empirical CDFs."""
    values = np.union1d(a, b)
    cdf = lambda x: np.searchsorted(np.sort(x), values, side="right") / len(x)  # noqa: E731
    return float(np.abs(cdf(a) - cdf(b)).max())


def summaries(squares: np.ndarray, masks: np.ndarray) -> dict[str, np.ndarray]:
    n = masks.shape[1]
    side, row, col = squares[:, 0:1, None], squares[:, 1:2, None], squares[:, 2:3, None]
    r, c = np.arange(n)[None, :, None], np.arange(n)[None, None, :]
    on_square = (r >= row) & (r < row + side) & (c >= col) & (c < col + side)
    return {"hidden cells": masks.sum((1, 2)), "hidden cells on the square": (masks & on_square).sum((1, 2)),
            "square side": squares[:, 0]}


class MaskFamiliesAgreeTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        ts = typescript_cases()
        cls.ts_families = ts["families"]
        cls.ts_others = ts["others"]
        cls.sides = {}
        for family in FAMILIES:
            for n in GRIDS:
                rows = ts["cases"][family][str(n)]
                ts_squares = np.array([row[:3] for row in rows])
                ts_masks = np.array([[ch == "1" for ch in row[3]] for row in rows]).reshape(-1, n, n)
                cls.sides[family, n] = {"TypeScript": (ts_squares, ts_masks), "Python": python_cases(family, n)}

    def test_both_sides_list_the_same_families_in_the_same_order(self):
        self.assertEqual(tuple(self.ts_families), MASK_FAMILIES)
        self.assertEqual(len(MASK_FAMILIES), 6)
        self.assertEqual((*self.ts_families, *self.ts_others), FAMILIES)

    def test_every_family_a_prior_names_is_defined(self):
        self.assertEqual(PRIOR_FAMILIES["digits"], ("cells", "rectangles", "lines", "dense95", "half"))
        for prior, names in PRIOR_FAMILIES.items():
            self.assertLessEqual(set(names), set(FAMILIES), prior)

    def test_every_mask_of_either_side_is_a_member_of_its_family_and_every_size_is_drawn(self):
        for (family, n), sides in self.sides.items():
            spec = FAMILY_SPECS[family]
            for side_name, (squares, masks) in sides.items():
                label = f"{side_name} {family} {n}×{n}"
                self.assertTrue(((squares[:, 0] >= 2) & (squares[:, 0] <= n - 2)).all(), f"{label}: square sides")
                self.assertTrue((squares[:, 1:] + squares[:, :1] <= n).all(), f"{label}: squares inside the grid")
                # Membership of the rectangle kind is the slow check: enough cases to meet every count.
                checked = 300 if spec["kind"] == "boxes" else len(masks)
                sizes = set()
                for t in range(checked):
                    ok, size = member(spec, n, squares[t], masks[t])
                    self.assertTrue(ok, f"{label}: case {t} (square {squares[t].tolist()}) is not a member")
                    sizes.add(size)
                if spec["kind"] == "half":
                    self.assertEqual(sizes, {0, 1, 2, 3}, f"{label}: every half drawn")
                if spec["kind"] in ("corner", "square"):
                    drawn = spec["reach"] if spec["kind"] == "corner" else spec["margin"]
                    self.assertEqual(sizes - {None}, set(integers(drawn, n)), f"{label}: sizes drawn")

    def test_both_sides_draw_the_rates_of_the_spec(self):
        for (family, n), sides in self.sides.items():
            spec = FAMILY_SPECS[family]
            if spec["kind"] == "iid":
                rate, share = spec["rate"], lambda masks: masks.mean((1, 2))
            elif spec["kind"] == "lines":
                rate, share = spec["rowRate"], lambda masks: masks.all(2).mean(1)
            else:
                continue
            expected = rate if isinstance(rate, (int, float)) else rate["min"] + rate["span"] / 2
            for side_name, (_, masks) in sides.items():
                shares = share(masks)
                # Six standard errors of the mean; with a fixed rate, the binomial's over every cell.
                spread = shares.std() if not isinstance(rate, (int, float)) else np.sqrt(rate * (1 - rate) / n / n)
                self.assertAlmostEqual(shares.mean(), expected, delta=6 * spread / np.sqrt(len(shares)),
                                       msg=f"{side_name} {family} {n}×{n}")

    def test_both_sides_draw_the_same_distributions(self):
        critical = np.sqrt(-np.log(1e-6 / 2) / 2) * np.sqrt(2 / CASES)
        for (family, n), sides in self.sides.items():
            ts, py = summaries(*sides["TypeScript"]), summaries(*sides["Python"])
            for name in ts:
                d = ks_statistic(ts[name], py[name])
                self.assertLess(d, critical, f"{family} {n}×{n}, {name}: KS {d:.3f}")


if __name__ == "__main__":
    unittest.main()
