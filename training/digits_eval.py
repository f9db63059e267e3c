"""Digits models on held-out handwritten digits, against the nearest neighbour, the per-cell mean and the exact posterior.

    /usr/bin/python3 -m training.digits_eval            # training/checkpoints/{bert,cnn-global}-digits-8.pt
    /usr/bin/python3 -m training.digits_eval --checkpoint a.pt --checkpoint b.pt --per-family 200
    npm run evaluate -- --prior digits                  # the same as the first

Held-out: the digits prior's test digits (prior.digits_prior, a fixed split), PER_FAMILY masks per digits mask
family (Prior.families, drawn with SEED), the k-th mask of a family over test digit k mod the test digits' count.
Per family and overall, and apart for the masks no training digit fits (fits = 0) and those some fit (fits > 0),
the accuracy over hidden cells, against the true pixels, of
  each model  one-shot: white where its P(white) > 0.5 (no iterative decoding)
  nearest     the training digits nearest on the visible cells (Hamming distance), ties averaged, white where > 0.5
  mean        the per-cell mean of the training digits, white where > 0.5
  exact       the exact posterior over the training digits, white where > 0.5 (fits > 0 only)
and each model's mean |P(white) - exact| over hidden cells where fits > 0, and the seconds per masked image each
method took. Where fits > 0 the nearest training digits are exactly those that fit (distance 0): nearest and exact
agree there. Writes the results as JSON (--out) and prints a table.
"""
from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Callable

import torch

from .cli import Parser
from .prior import Prior, bounding_boxes, consistent, exact_posterior, load_prior, mismatches, sample_masks, tokens

ROOT = Path(__file__).resolve().parent.parent
CHECKPOINTS = ROOT / "training" / "checkpoints"
DEFAULT_CHECKPOINTS = ("bert-digits-8.pt", "cnn-global-digits-8.pt")
OUT = ROOT / "docs" / "digits-evaluation.json"
DEMO_MANIFEST = ROOT / "demo" / "models" / "digits" / "manifest.json"
PER_FAMILY = 1000
SEED = 20270127
BASELINES = ("nearest", "mean", "exact")
SUBSETS = ("all", "fits0", "fits")
SUBSET_LABELS = {"all": "all", "fits0": "no training digit fits", "fits": "some training digit fits"}
LABELS = {"bert": "BERT", "cnn-global": "CNN, dilated", "cnn-local": "CNN, local", "nearest": "nearest neighbour",
          "mean": "per-cell mean", "exact": "exact posterior"}

# P(white) [B, cells] from tokens [B, cells] (0 black, 1 white, 2 hidden).
Predictor = Callable[[torch.Tensor], torch.Tensor]


def held_out_masks(prior: Prior, per_family: int = PER_FAMILY, seed: int = SEED):
    """(pixels [B, 64], mask [B, 64], family index [B], test digit index [B]): per_family masks of each of the
    prior's families, mask k of a family over test digit k mod the count."""
    g = torch.Generator().manual_seed(seed)
    digit = torch.arange(per_family) % len(prior.held_out)
    parts = []
    for i, family in enumerate(prior.families):
        pixels = prior.held_out[digit]
        mask = sample_masks(family, prior.grid, bounding_boxes(pixels, prior.grid), g).float()
        parts.append((pixels, mask, torch.full((per_family,), i), digit))
    return tuple(torch.cat(column) for column in zip(*parts))


def nearest_neighbours(pixels: torch.Tensor, mask: torch.Tensor, prior_images: torch.Tensor,
                       chunk: int = 2048) -> torch.Tensor:
    """P(white) [B, cells]: the mean of the prior images nearest each (pixels, mask) pair on its visible cells
    (Hamming distance), every image at that least distance counted once."""
    out = []
    for start in range(0, len(pixels), chunk):
        distance = mismatches(pixels[start:start + chunk], mask[start:start + chunk], prior_images)
        nearest = (distance <= distance.min(1, keepdim=True).values + 0.5).float()
        out.append((nearest @ prior_images) / nearest.sum(1, keepdim=True))
    return torch.cat(out)


def load_models(paths: list[Path]) -> tuple[dict[str, Predictor], dict[str, dict]]:
    """Predictors and descriptions of checkpoints, keyed by architecture (by file name where two share one)."""
    from .model import load_checkpoint
    from .report.measure import probabilities

    archs = [torch.load(path)["arch"] for path in paths]
    models, info = {}, {}
    for path, arch in zip(paths, archs):
        model, record = load_checkpoint(path)
        key = arch if archs.count(arch) == 1 else path.stem
        models[key] = lambda x, model=model: probabilities(model, x)
        training = (record or {}).get("training") or {}
        info[key] = {"checkpoint": str(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path), "arch": arch,
                     "parameters": model.parameter_count(), "steps": training.get("steps"),
                     "seconds": training.get("seconds"), "precision": training.get("precision"),
                     "command": training.get("command"), "prior": ((record or {}).get("prior") or {}).get("sha256")}
    return models, info


def accuracy(white: torch.Tensor, pixels: torch.Tensor, hidden: torch.Tensor) -> float | None:
    return round((white == pixels.bool())[hidden].float().mean().item(), 5) if hidden.any() else None


def evaluate(models: dict[str, Predictor], per_family: int = PER_FAMILY, prior: Prior | None = None,
             info: dict | None = None) -> tuple[dict, dict]:
    """(results, arrays): the figures above as plain numbers, and per masked image the pixels, mask, family,
    fits and every method's P(white), for pictures."""
    prior = prior or load_prior("digits")
    train = prior.images
    pixels, mask, family, digit = held_out_masks(prior, per_family)
    hidden = mask.bool()
    x = tokens(pixels, mask)
    fits = consistent(pixels, mask, train).sum(1)
    p, seconds = {}, {}
    for name, predict in models.items():
        start = time.perf_counter()
        p[name] = predict(x)
        seconds[name] = time.perf_counter() - start
    start = time.perf_counter()
    p["nearest"] = nearest_neighbours(pixels, mask, train)
    seconds["nearest"] = time.perf_counter() - start
    start = time.perf_counter()
    p["mean"] = train.mean(0).expand_as(pixels)
    seconds["mean"] = time.perf_counter() - start
    start = time.perf_counter()
    p["exact"] = exact_posterior(pixels, mask, train)  # NaN rows where nothing fits
    seconds["exact"] = time.perf_counter() - start
    split = {"all": torch.ones(len(pixels), dtype=torch.bool), "fits0": fits == 0, "fits": fits > 0}
    groups = {}
    for i, name in enumerate([*prior.families, "all"]):
        rows = family == i if name != "all" else torch.ones(len(pixels), dtype=torch.bool)
        groups[name] = {}
        for subset, chosen in split.items():
            keep = rows & chosen
            cells = hidden & keep[:, None]
            entry = {"masks": int(keep.sum()), "hiddenCells": int(cells.sum()),
                     "hiddenShare": round(mask[keep].mean().item(), 4) if keep.any() else None,
                     "accuracy": {m: accuracy(p[m] > 0.5, pixels, cells) for m in [*models, "nearest", "mean"]}}
            exact_cells = cells & (fits > 0)[:, None]
            entry["accuracy"]["exact"] = accuracy(p["exact"] > 0.5, pixels, exact_cells)
            entry["meanAbsError"] = {m: round((p[m] - p["exact"]).abs()[exact_cells].mean().item(), 5)
                                     if exact_cells.any() else None for m in models}
            groups[name][subset] = entry
    results = {
        "prior": prior.record(),
        "heldOut": {"perFamily": per_family, "seed": SEED, "families": list(prior.families),
                    "testDigits": len(prior.held_out), "masks": len(pixels),
                    "fits0Share": round((fits == 0).float().mean().item(), 4)},
        "decoding": "one-shot: white where P(white) > 0.5",
        "models": info or {name: {} for name in models},
        "secondsPerImage": {m: seconds[m] / len(pixels) for m in seconds},
        "groups": groups,
    }
    arrays = {"pixels": pixels, "mask": mask, "family": family, "digit": digit, "fits": fits,
              "labels": prior.held_out_labels[digit] if prior.held_out_labels is not None else None, "p": p}
    return results, arrays


def methods(results: dict) -> list[str]:
    return [*results["models"], *BASELINES]


def table(results: dict) -> str:
    """Markdown: accuracy per family and subset, then each model's mean |P - exact| where fits > 0."""
    models = list(results["models"])
    head = ["mask family", "masks", "hidden", *[LABELS.get(m, m) for m in methods(results)],
            *[f"{LABELS.get(m, m)} \\|P − exact\\|" for m in models]]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for family, group in results["groups"].items():
        for subset in SUBSETS:
            g = group[subset]
            name = f"**{family}**" if family == "all" else family
            label = name if subset == "all" else f"{name}: {SUBSET_LABELS[subset]}"
            cells = [label, f"{g['masks']:,}", "—" if g["hiddenShare"] is None else f"{100 * g['hiddenShare']:.0f}%"]
            cells += ["—" if g["accuracy"][m] is None else f"{100 * g['accuracy'][m]:.1f}%" for m in methods(results)]
            cells += ["—" if g["meanAbsError"][m] is None else f"{g['meanAbsError'][m]:.4f}" for m in models]
            lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def record_in_manifest(results: dict, path: Path) -> None:
    """Puts the figures beside the digits model: its manifest entry's `evaluation` (accuracy of every method,
    overall and where no training digit fits; the BERT's mean |P - exact| where some does), where it has one."""
    if not path.exists() or "bert" not in results["models"]:
        return
    manifest = json.loads(path.read_text())
    every = results["groups"]["all"]
    summary = {"heldOut": results["heldOut"], "decoding": results["decoding"],
               "accuracy": {subset: every[subset]["accuracy"] for subset in ("all", "fits0")},
               "meanAbsErrorWhereFits": every["fits"]["meanAbsError"],
               "secondsPerImage": results["secondsPerImage"], "details": "docs/digits-evaluation.json"}
    for entry in manifest["models"]:
        if entry.get("prior", {}).get("name") == "digits":
            entry["evaluation"] = summary
    path.write_text(json.dumps(manifest, indent=2) + "\n")


def default_checkpoints(folder: Path | None = None) -> list[Path]:
    """The digits checkpoints of training/checkpoints/ that exist."""
    folder = folder or CHECKPOINTS
    return [folder / name for name in DEFAULT_CHECKPOINTS if (folder / name).exists()]


def main(argv=None) -> None:
    p = Parser("digits_eval.py", prog="python3 -m training.digits_eval", description="Evaluate digits models on held-out digits.")
    p.add_argument("--checkpoint", type=Path, action="append", default=None,
                   help="a model checkpoint (BERT or CNN; repeat to compare); default: "
                        + " and ".join(f"training/checkpoints/{name}" for name in DEFAULT_CHECKPOINTS))
    p.add_argument("--per-family", type=int, default=PER_FAMILY, help=f"masks per family (default {PER_FAMILY})")
    p.add_argument("--out", type=Path, default=OUT, help="results JSON (default docs/digits-evaluation.json)")
    p.add_argument("--threads", type=int, default=1, help="torch threads")
    p.add_argument("--manifest", type=Path, default=None,
                   help="manifest whose digits entry gets the figures (default: demo/models/digits/manifest.json "
                        "when no --checkpoint is named)")
    args = p.parse_args(argv)
    paths = args.checkpoint or default_checkpoints()
    if not paths:
        p.error("no checkpoint: train one with npm run train -- --prior digits --checkpoint "
                f"training/checkpoints/{DEFAULT_CHECKPOINTS[0]}, or name one with --checkpoint")
    missing = [str(path) for path in paths if not path.exists()]
    if missing:
        p.error(f"no such checkpoint: {', '.join(missing)}")
    if args.per_family < 1:
        p.error(f"--per-family must be >= 1, got {args.per_family}")
    torch.set_num_threads(args.threads)
    models, info = load_models(paths)
    results, _ = evaluate(models, args.per_family, info=info)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n")
    manifest = args.manifest or (None if args.checkpoint else DEMO_MANIFEST)
    if manifest:
        record_in_manifest(results, manifest)
    print(table(results))
    print("\nseconds per masked image: " + ", ".join(f"{LABELS.get(m, m)} {s * 1e3:.3f} ms"
                                                     for m, s in results["secondsPerImage"].items()))
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
