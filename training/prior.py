"""The square prior, the masks drawn over it, and the exact posterior.

Prior: an N×N grid (row-major, N*N cells), black background (0) and exactly one white (1) filled,
axis-aligned square whose side runs from 2 to N-2. Every placement (side, row, column) is equally
likely: N=8 has 135 images, N=16 has 1235. Grids smaller than 6 are refused.

Masks: 1 = hidden. Tokens fed to the model: 0 black, 1 white, 2 hidden. The mask families, their rates,
sizes and mixture are defined once, in training/mask-families.json, which training/mask-families.ts (the
TypeScript side's cases) reads too. Every prior draws the default families (MASK_FAMILIES) except those that
mask-families.json's priorFamilies names (the digits: Prior.families).

Exact posterior: P(cell is white | visible cells) is the average of the prior's images that agree with
every visible cell. It is the yardstick for every quality figure, and the soft target for training.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import torch

MIN_GRID = 6
MASKED = 2

MASK_SPEC = json.loads((Path(__file__).parent / "mask-families.json").read_text())
FAMILY_SPECS = {family["name"]: family for family in [*MASK_SPEC["families"], *MASK_SPEC["otherFamilies"]]}
# The default families, those of every prior that priorFamilies does not name; otherFamilies are drawn only
# where a prior names them.
MASK_FAMILIES = tuple(family["name"] for family in MASK_SPEC["families"])
PRIOR_FAMILIES = {prior: tuple(names) for prior, names in MASK_SPEC["priorFamilies"].items()
                  if not prior.startswith("$")}


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


def mismatches(pixels: torch.Tensor, mask: torch.Tensor, prior_images: torch.Tensor) -> torch.Tensor:
    """Float [B, S]: on how many visible cells of each (pixels, mask) pair each prior image differs (Hamming)."""
    visible = 1.0 - mask.float()
    white = visible * pixels.float()
    black = visible - white
    return white @ (1.0 - prior_images).T + black @ prior_images.T


def consistent(pixels: torch.Tensor, mask: torch.Tensor, prior_images: torch.Tensor) -> torch.Tensor:
    """Bool [B, S]: which prior images agree with every visible cell of each (pixels, mask) pair."""
    return mismatches(pixels, mask, prior_images) < 0.5


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


def bounding_boxes(pixels: torch.Tensor, n: int) -> torch.Tensor:
    """(top, left, bottom, right) of each image's white cells, inclusive, int64 [B, 4]; the whole grid for an
    image with none. For a square it is the square itself."""
    grid = pixels.reshape(-1, n, n) > 0.5
    rows, cols = grid.any(2), grid.any(1)  # [B, n] each
    idx = torch.arange(n)
    empty = ~rows.any(1)

    def first(lines):
        return torch.where(lines, idx, n).min(1).values

    def last(lines):
        return torch.where(lines, idx, -1).max(1).values

    box = torch.stack([first(rows), first(cols), last(rows), last(cols)], 1)
    return torch.where(empty[:, None], torch.tensor([0, 0, n - 1, n - 1]), box)


def sample_masks(family: str, n: int, box: torch.Tensor, g: torch.Generator) -> torch.Tensor:
    """Masks (bool [B, n*n], True = hidden) of one family for images whose white cells lie in `box` [B, 4]
    (bounding_boxes: top, left, bottom, right).

    The families are those of mask-families.json. With its values: cells: i.i.d. cells at a rate drawn
    from 5%..98%. rectangles: one to three random boxes. lines: whole rows and columns. corner: a box over
    one corner of the white cells' bounding box (the square itself, in the square prior). square: a box that
    hides that whole bounding box (and a margin). dense95: 95% of cells hidden i.i.d. half (otherFamilies, the
    digits'): the top, bottom, left or right half of the grid.
    The corner and square kinds depend on the image; the posterior target does not (it assumes nothing
    about how the mask was drawn), so they only widen the inputs the model sees.
    """
    if family not in FAMILY_SPECS:
        raise ValueError(f"unknown mask family {family!r}")
    spec = FAMILY_SPECS[family]
    kind = spec["kind"]
    b = box.shape[0]
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
    if kind == "half":
        side = _randint(0 * one, 3 * one, g)  # top, bottom, left, right
        h = n // 2
        top = torch.where(side == 1, n - h, 0)
        left = torch.where(side == 3, n - h, 0)
        tall = side >= 2  # a left or right half spans every row
        return _box(n, top, torch.where(tall, n, top + h), left, torch.where(tall, left + h, n))
    if kind == "lines":
        p_row = _rate(spec["rowRate"], b, g)
        p_col = _rate(spec["colRate"], b, g)
        rows = torch.rand(b, n, generator=g) < p_row
        cols = torch.rand(b, n, generator=g) < p_col
        return (rows[:, :, None] | cols[:, None, :]).reshape(b, cells)
    top, left, last_row, last_col = box[:, 0:1], box[:, 1:2], box[:, 2:3], box[:, 3:4]
    if kind == "corner":
        right = torch.rand(b, 1, generator=g) < 0.5
        bottom = torch.rand(b, 1, generator=g) < 0.5
        cr = torch.where(bottom, last_row, top)
        cc = torch.where(right, last_col, left)
        reach = _range(spec["reach"], n, one, g)
        return _box(n, cr - reach + 1, cr + reach, cc - reach + 1, cc + reach)
    if kind == "square":
        margin = _range(spec["margin"], n, one, g)
        return _box(n, top - margin, last_row + 1 + margin, left - margin, last_col + 1 + margin)
    raise ValueError(f"mask family {family!r} has an unknown kind {kind!r}")


def sample_batch(n: int, batch: int, g: torch.Generator, prior_images: torch.Tensor,
                 families=MASK_FAMILIES, family_weights=None):
    """A training or evaluation batch: (pixels, mask, family index) with a family per sample, drawn with
    `family_weights` (by default each family's weight in mask-families.json). The images are drawn uniformly
    from `prior_images` [S, n*n], any prior's.

    mix_noise then gives some samples extra i.i.d. hidden cells on top of their family mask (mixtures).
    """
    pick = torch.randint(len(prior_images), (batch,), generator=g)
    pixels = prior_images[pick]
    box = bounding_boxes(pixels, n)
    if family_weights is None:
        family_weights = [FAMILY_SPECS[name]["weight"] for name in families]
    weights = torch.tensor(family_weights, dtype=torch.float)
    fam = torch.multinomial(weights, batch, replacement=True, generator=g)
    mask = torch.zeros(batch, n * n, dtype=torch.bool)
    for i, name in enumerate(families):
        rows = (fam == i).nonzero().squeeze(1)
        if len(rows):
            mask[rows] = sample_masks(name, n, box[rows], g)
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


# ---- priors: sets of images ----------------------------------------------------------------------

BUNDLED_PRIORS = ("squares", "rectangles")
# The digits prior: scikit-learn's 8×8 handwritten digits (Debian's python3-sklearn ships them), binarized, split
# once by a seeded permutation; DIGITS_TEST_SHARE of them are held out as they are, for evaluation.
DIGITS_GRID = 8
DIGITS_THRESHOLD = 8  # white where the value (0..16) is at least this
DIGITS_SEED = 0
DIGITS_TEST_SHARE = 0.2
# A file prior keeps this share of its distinct images (at least one) out of the set, for evaluation.
HELD_OUT_SHARE = 0.1
MIN_IMAGES = 8
# Above this many images the exact posterior of a batch is too slow to enumerate (rectangles at 32×32 has
# 243,049): training uses the true pixels as targets (hard), and says so.
ENUMERATION_LIMIT = 50_000


class PriorError(ValueError):
    """A prior that cannot be used: the message names the file (or the name) and the problem."""


@dataclass(frozen=True)
class Prior:
    """A prior: a set of distinct N×N black-and-white images, every one equally likely.

    `images` float32 [S, N*N], in a fixed order. A file prior also has `held_out`: images of the file kept out
    of the set, on which evaluation measures how the model does on images it never saw. The digits prior's
    held-out digits keep their order and duplicates, with their classes in `held_out_labels` (int64, 0..9), and
    `split` records how they were split off.
    """

    name: str
    kind: str
    grid: int
    images: torch.Tensor
    description: str
    held_out: torch.Tensor | None = None
    source: str | None = None
    held_out_labels: torch.Tensor | None = None
    split: dict | None = None

    @property
    def enumerable(self) -> bool:
        return len(self.images) <= ENUMERATION_LIMIT

    @property
    def families(self) -> tuple[str, ...]:
        """The mask families this prior's training and evaluation draw (mask-families.json's priorFamilies)."""
        return PRIOR_FAMILIES.get(self.name if self.kind != "images" else "", MASK_FAMILIES)

    @property
    def publishes_images(self) -> bool:
        """Whether a model of it needs its image set published beside it: the element enumerates only the
        bundled priors itself."""
        return self.name not in BUNDLED_PRIORS or self.kind == "images"

    def record(self) -> dict:
        """What a model records of the prior it learned: manifest, checkpoint, ONNX metadata, parity fixture."""
        out = {"name": self.name, "kind": self.kind, "description": self.description, "images": len(self.images),
               "sha256": content_hash(self.images)}
        if self.held_out is not None:
            out.update(heldOut=len(self.held_out), heldOutSha256=content_hash(self.held_out))
        if self.split:
            out["split"] = self.split
        if self.source:
            out["source"] = self.source
        return out


def content_hash(prior_images: torch.Tensor) -> str:
    """sha256 of a set of images, independent of their order: the sorted rows of 0/1 bytes."""
    rows = sorted(bytes(row) for row in prior_images.to(torch.uint8).tolist())
    digest = hashlib.sha256()
    for row in rows:
        digest.update(row)
    return digest.hexdigest()


def rectangle_images(n: int) -> torch.Tensor:
    """Every image of the rectangle prior: one white filled axis-aligned rectangle, height and width each
    2..n-2, every placement equally likely. float32 [S, n*n]: 625 at 8×8, 13,689 at 16×16."""
    check_grid(n)
    idx = torch.arange(n)
    rows = []
    for h in range(2, n - 1):
        for w in range(2, n - 1):
            for r in range(n - h + 1):
                for c in range(n - w + 1):
                    rows.append((r, h, c, w))
    box = torch.tensor(rows)
    in_rows = (idx >= box[:, 0:1]) & (idx < box[:, 0:1] + box[:, 1:2])
    in_cols = (idx >= box[:, 2:3]) & (idx < box[:, 2:3] + box[:, 3:4])
    return (in_rows[:, :, None] & in_cols[:, None, :]).reshape(-1, n * n).float()


def digits_split(count: int) -> tuple[torch.Tensor, torch.Tensor]:
    """(test, train) indices of `count` digits: a permutation seeded with DIGITS_SEED, its first DIGITS_TEST_SHARE
    held out."""
    order = torch.randperm(count, generator=torch.Generator().manual_seed(DIGITS_SEED))
    tested = round(DIGITS_TEST_SHARE * count)
    return order[:tested], order[tested:]


def digits_prior(grid: int | None = None) -> Prior:
    """scikit-learn's 1797 8×8 handwritten digits, white where the value is >= DIGITS_THRESHOLD of 16. A seeded
    permutation (DIGITS_SEED) holds DIGITS_TEST_SHARE of them out, as they are (the evaluation set, with labels);
    the prior is the set of distinct training digits."""
    if grid not in (None, DIGITS_GRID):
        raise PriorError(f"the digits prior is {DIGITS_GRID}×{DIGITS_GRID} only; got a grid of {grid}")
    try:
        from sklearn.datasets import load_digits
    except ImportError:
        raise PriorError("the digits prior needs scikit-learn's digits: install python3-sklearn "
                         "(sudo apt-get install python3-sklearn, or npm run setup)") from None
    import numpy as np

    data = load_digits()
    pixels = torch.from_numpy((data.images >= DIGITS_THRESHOLD).reshape(len(data.images), -1).astype(np.float32))
    labels = torch.from_numpy(data.target.astype(np.int64))
    test, train = digits_split(len(pixels))
    tested = len(test)
    distinct = torch.unique(pixels[train], dim=0)  # sorted: a canonical order
    split = {"source": "sklearn.datasets.load_digits", "digits": len(pixels), "threshold": DIGITS_THRESHOLD,
             "seed": DIGITS_SEED, "permutation": "torch.randperm", "train": len(train), "trainDistinct": len(distinct),
             "test": tested}
    return Prior("digits", "digits", DIGITS_GRID, distinct,
                 f"{len(pixels)} handwritten 8×8 digits (scikit-learn), white where the value is >= "
                 f"{DIGITS_THRESHOLD} of 16; a fixed split (seed {DIGITS_SEED}) holds {tested} out, and the prior "
                 f"is the {len(distinct)} distinct binary digits of the other {len(train)}",
                 held_out=pixels[test], held_out_labels=labels[test], split=split)


def load_prior(spec: str, grid: int | None = None) -> Prior:
    """`squares` or `rectangles` at `grid`, `digits` (8×8 only: digits_prior), or a file of images: an .npz or
    .npy array of 0/1 images [K, N, N], or a folder of N×N black-and-white PNGs. A file's duplicates collapse (a
    prior is a set), and HELD_OUT_SHARE of its distinct images is held out, by a fixed shuffle. Raises PriorError."""
    if spec == "digits":
        return digits_prior(grid)
    if spec in BUNDLED_PRIORS:
        if grid is None:
            raise PriorError(f"the {spec} prior needs a grid size")
        check_grid(grid)
        if spec == "squares":
            return Prior("squares", "squares", grid, images(grid),
                         f"one white filled axis-aligned square on black, side 2..{grid - 2}, every placement "
                         "equally likely")
        return Prior("rectangles", "rectangles", grid, rectangle_images(grid),
                     f"one white filled axis-aligned rectangle on black, height and width each 2..{grid - 2}, "
                     "every placement equally likely")
    path = Path(spec)
    if not path.exists():
        raise PriorError(f"{spec}: no such file or folder (a prior is squares, rectangles, digits, an .npz or .npy "
                         "file of 0/1 images [K, N, N], or a folder of N×N black-and-white PNGs)")
    if path.is_dir():
        array = _read_png_folder(path)
    elif path.suffix in (".npz", ".npy"):
        array = _read_array(path)
    else:
        raise PriorError(f"{spec}: not an .npz, .npy or a folder of PNGs")
    return _file_prior(path, array, grid)


def _read_array(path: Path):
    import numpy as np

    try:
        loaded = np.load(path, allow_pickle=False)
    except Exception as error:  # noqa: BLE001: numpy raises several kinds for a bad file
        raise PriorError(f"{path}: not a readable {path.suffix} file ({error})") from None
    if isinstance(loaded, np.lib.npyio.NpzFile):
        names = list(loaded.files)
        if "images" in names:
            return loaded["images"]
        if len(names) != 1:
            raise PriorError(f"{path}: holds the arrays {', '.join(names) or '(none)'}; name the images 'images'")
        return loaded[names[0]]
    return loaded


def _read_png_folder(path: Path):
    import numpy as np
    from PIL import Image

    files = sorted(p for p in path.iterdir() if p.suffix.lower() == ".png")
    if not files:
        raise PriorError(f"{path}: a folder with no .png files")
    pictures = []
    for file in files:
        try:
            with Image.open(file) as picture:
                pixels = np.asarray(picture.convert("L"))
        except Exception as error:  # noqa: BLE001: Pillow raises several kinds for a bad file
            raise PriorError(f"{file}: not a readable PNG ({error})") from None
        if pictures and pixels.shape != pictures[0].shape:
            raise PriorError(f"{file}: {pixels.shape[1]}×{pixels.shape[0]} pixels, but {files[0].name} is "
                             f"{pictures[0].shape[1]}×{pictures[0].shape[0]}: every image must be the same size")
        other = sorted(set(np.unique(pixels).tolist()) - {0, 255})
        if other:
            raise PriorError(f"{file}: not black-and-white (gray level {other[0]} of 0..255); use only 0 and 255")
        pictures.append(pixels)
    return (np.stack(pictures) > 127).astype(np.uint8)


def _file_prior(path: Path, array, grid: int | None) -> Prior:
    import numpy as np

    if array.ndim != 3 or array.shape[1] != array.shape[2]:
        raise PriorError(f"{path}: shape {list(array.shape)}; expected [K, N, N], K square N×N images")
    k, n = array.shape[0], array.shape[1]
    if k == 0:
        raise PriorError(f"{path}: holds no images")
    if n < MIN_GRID:
        raise PriorError(f"{path}: {n}×{n} images; the grid must be at least {MIN_GRID}×{MIN_GRID}")
    if grid is not None and grid != n:
        raise PriorError(f"{path}: {n}×{n} images, but --grid is {grid}")
    values = np.unique(array)
    if array.dtype.kind not in "biuf" or not set(values.tolist()) <= {0, 1}:
        shown = ", ".join(str(v) for v in values[:5].tolist()) if array.dtype.kind in "biuf" else str(array.dtype)
        raise PriorError(f"{path}: values {shown}; expected 0 (black) and 1 (white) only")
    distinct = np.unique(array.reshape(k, n * n).astype(np.uint8), axis=0)  # sorted: a canonical order
    if len(distinct) < MIN_IMAGES:
        raise PriorError(f"{path}: {len(distinct)} distinct images (of {k}); a prior needs at least {MIN_IMAGES}")
    every = torch.from_numpy(distinct).float()
    order = torch.randperm(len(every), generator=torch.Generator().manual_seed(0))
    held = max(1, round(HELD_OUT_SHARE * len(every)))
    name = path.stem if path.is_file() else path.name
    duplicates = f", {k - len(distinct)} duplicates collapsed" if k > len(distinct) else ""
    return Prior(name, "images", n, every[order[held:]],
                 f"{len(every)} distinct {n}×{n} images from {path.name}{duplicates}; {held} held out",
                 held_out=every[order[:held]], source=str(path))
