"""The report's measurements: every model of training/checkpoints/ against the exact posterior.

run() loads the BERT and the two CNN baselines per grid size ({arch}-{N}.pt; the BERT checkpoints are the ones the
bundled .onnx files were exported from, and run() measures how far the two disagree), runs them over
evaluate.py's held-out sets (the same seed, PER_FAMILY masked images per mask family) and returns one dict per grid
size: models, per-family metrics, error against distance to the evidence and against evidence outside the local
CNN's view, an example image and the BERT's attention maps, plus the seed project's reference points at 8×8.
Plain numbers and numpy arrays; figures.py draws them and page.py writes them out.
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import torch

from ..evaluate import PER_FAMILY, held_out, metrics, predict
from ..model import load_checkpoint
from ..prior import MASK_FAMILIES, consistent, exact_posterior, images, sample_batch, tokens

ROOT = Path(__file__).resolve().parents[2]
CHECKPOINTS = ROOT / "training" / "checkpoints"  # tests point this elsewhere
ARCHS = ("bert", "cnn-local", "cnn-global")
LABELS = {"bert": "BERT", "cnn-local": "CNN, local", "cnn-global": "CNN, dilated", "exact": "exact posterior"}
GRIDS = (8, 16)
SEED = 7
DEPENDENCE_PER_FAMILY = 250
DEPENDENCE_BINS = (0.0, 0.01, 0.1, 0.3, 1.01)


def load(arch: str, n: int):
    path = CHECKPOINTS / f"{arch}-{n}.pt"
    if not path.exists():
        raise SystemExit(f"report: {path.relative_to(ROOT)} is missing; train it with /usr/bin/python3 -m "
                         f"training.train --grid {n} --arch {arch} --checkpoint {path.relative_to(ROOT)}")
    return load_checkpoint(path)


def probabilities(model, x: torch.Tensor, batch: int = 1000) -> torch.Tensor:
    """P(white) [B, cells], fp32."""
    with torch.no_grad():
        return torch.cat([torch.softmax(model(x[i:i + batch]), -1)[..., 1] for i in range(0, len(x), batch)])


def chebyshev_apart(n: int, patch: int = 1) -> torch.Tensor:
    """Int [cells, cells]: how many patches apart (Chebyshev) the patches of each two cells are."""
    patch_of = torch.arange(n) // patch
    rows, cols = patch_of.repeat_interleave(n), patch_of.repeat(n)
    return torch.maximum((rows[:, None] - rows[None]).abs(), (cols[:, None] - cols[None]).abs())


def distance_to_visible(mask: torch.Tensor, n: int) -> torch.Tensor:
    """Per cell, the Chebyshev distance (in cells) to the nearest visible cell; -1 where none is visible."""
    apart = chebyshev_apart(n)
    out = []
    for chunk in mask.split(500):
        hidden = chunk.bool()
        far = torch.where(hidden[:, None, :], torch.tensor(10 ** 6), apart[None])  # hidden keys never count
        d = far.min(-1).values
        out.append(torch.where(d >= 10 ** 6, -1, d))
    return torch.cat(out)


def local_windows(n: int, patch: int, reach: int) -> torch.Tensor:
    """Bool [cells, cells]: the cells a CNN output for each cell can see, `reach` patches around its patch."""
    return chebyshev_apart(n, patch) <= reach


def outside_dependence(pixels, mask, posterior, windows, prior_images, chunk: int = 4096) -> torch.Tensor:
    """Per hidden cell, |P_exact(white | every visible cell) - P_exact(white | the visible cells in its window)|:
    how much of the answer lies outside what a CNN with that receptive field can see. NaN for visible cells."""
    b_index, cell_index = torch.nonzero(mask.bool(), as_tuple=True)
    out = torch.full(mask.shape, float("nan"))
    for start in range(0, len(b_index), chunk):
        b, cell = b_index[start:start + chunk], cell_index[start:start + chunk]
        # Hidden everywhere outside the window: only the window's visible cells remain as evidence.
        windowed = torch.where(windows[cell], mask[b], torch.ones_like(mask[b]))
        weights = consistent(pixels[b], windowed, prior_images).float()
        local = (weights * prior_images[:, cell].T).sum(1) / weights.sum(1)
        out[b, cell] = (posterior[b, cell] - local).abs()
    return out


def dependence_bins(dependence: torch.Tensor) -> list:
    """Bool selections of the cells whose dependence falls in each of DEPENDENCE_BINS; visible cells (NaN) in none."""
    return [(dependence >= lo) & (dependence < hi) for lo, hi in zip(DEPENDENCE_BINS, DEPENDENCE_BINS[1:])]


def distance_bins(mask, distance, max_distance: int) -> list:
    """Bool selections of the hidden cells at each distance 1..max_distance (the last holds the rest)."""
    hidden = mask.bool() & (distance > 0)
    d = distance.clamp(max=max_distance)
    return [hidden & (d == k) for k in range(1, max_distance + 1)]


def bin_means(values: torch.Tensor, bins: list) -> tuple[list, list]:
    """The mean of `values` over each selection (NaN where it is empty), and each selection's size."""
    return [values[b].mean().item() if b.any() else float("nan") for b in bins], [int(b.sum()) for b in bins]


def exact_metrics(posterior, pixels, mask, prior_images) -> dict:
    """The exact posterior measured as a model: zero error, full certain-cell agreement, its own argmax."""
    hidden = mask.bool()
    white = posterior > 0.5
    completion = torch.where(hidden, white.float(), pixels)
    valid = consistent(completion, torch.zeros_like(completion), prior_images).any(1)
    return {"meanAbsError": 0.0, "accuracy": (white == pixels.bool())[hidden].float().mean().item(),
            "certainAgreement": 1.0, "validOneShot": valid.float().mean().item()}


def seed_points(models: dict) -> list[dict]:
    """The seed's reference points at 8×8: one hidden cell, and about 20% of cells hidden at random."""
    n = 8
    prior_images = images(n)
    g = torch.Generator().manual_seed(SEED)
    rows = []
    for name, claim, hidden_count in (("1 hidden cell", "near-perfect", 1), ("20% hidden (13 of 64 cells)",
                                                                             "working", 13)):
        pixels, _, _ = sample_batch(n, PER_FAMILY, g, prior_images)
        order = torch.rand(PER_FAMILY, n * n, generator=g).argsort(1)
        mask = torch.zeros(PER_FAMILY, n * n).scatter_(1, order[:, :hidden_count], 1.0)
        posterior = exact_posterior(pixels, mask, prior_images)
        row = {"name": name, "claim": claim, "exact": exact_metrics(posterior, pixels, mask, prior_images)}
        for arch, model in models.items():
            row[arch] = metrics(probabilities(model, tokens(pixels, mask)), posterior, pixels, mask, prior_images)
        rows.append(row)
    return rows


def corner_attention(model, pixels, mask, n: int) -> dict:
    """Attention (mean over heads) from a hidden corner cell of the square, per layer, spread back over cells."""
    img = pixels.reshape(n, n)
    hidden = mask.bool()
    for cell in range(n * n):
        r, c = divmod(cell, n)
        if not (hidden[cell] and img[r, c] == 1):
            continue
        up, left = r > 0 and img[r - 1, c] == 1, c > 0 and img[r, c - 1] == 1
        down, right = r < n - 1 and img[r + 1, c] == 1, c < n - 1 and img[r, c + 1] == 1
        if up + down == 1 and left + right == 1:
            break
    else:
        raise ValueError("no hidden corner cell")
    patch = model.patch
    with torch.no_grad():
        maps = model.attention_maps(tokens(pixels[None], mask[None]))
    side = n // patch
    query = (r // patch) * side + c // patch
    cells = []
    for weights in maps:
        per_patch = weights[0, :, query, :].mean(0).reshape(side, side)
        cells.append(np.kron(per_patch.numpy(), np.ones((patch, patch))).reshape(-1) / (patch * patch))
    return {"query": cell, "pixels": pixels.numpy(), "mask": mask.numpy(), "maps": cells}


def bundled_record(n: int) -> dict | None:
    """The bundled BERT's training record from models/manifest.json, a fine-tune chained to its base run."""
    manifest = json.loads((ROOT / "models" / "manifest.json").read_text())
    entry = next((e for e in manifest["models"] if e["gridSize"] == n), None)
    if not entry:
        return None
    base = {k: v for k, v in entry["training"].items() if k != "fineTune"}
    fine = entry["training"].get("fineTune")
    return {"training": {"batch": base["batch"], **fine, "before": base} if fine else base}


def describe(record: dict | None) -> dict:
    if not record:
        return {"training": "—", "time": "—", "command": "—"}
    runs = []
    t = record["training"]
    while t:  # a fine-tune records the run it started from under "before"
        runs.insert(0, t)
        t = t.get("before")
    steps = " + ".join(f"{t['steps']} steps" + (f" (decoding share {t['decodingShare']}, lr {t['learningRate']})"
                                                 if t.get("decodingShare") else "") for t in runs)
    return {"training": f"{steps}, batch {runs[0]['batch']}",
            "time": f"{sum(t['seconds'] for t in runs) / 60:.1f} min",
            "command": "<br>".join(f"`{t['command']}`" for t in runs)}


def run(per_family_limit: int | None = None) -> dict:
    torch.manual_seed(SEED)
    report = {"grids": {}}
    models_8 = None
    for n in GRIDS:
        pixels, mask, family, prior_images = held_out(n)
        if per_family_limit:
            keep = torch.cat([torch.nonzero(family == i).squeeze(1)[:per_family_limit]
                              for i in range(len(MASK_FAMILIES))])
            pixels, mask, family = pixels[keep], mask[keep], family[keep]
        posterior = exact_posterior(pixels, mask, prior_images)
        x = tokens(pixels, mask)
        models, records = {}, {}
        for arch in ARCHS:
            models[arch], records[arch] = load(arch, n)
        records["bert"] = bundled_record(n)
        if n == 8:
            models_8 = models
        p = {arch: probabilities(models[arch], x) for arch in ARCHS}
        onnx = ROOT / "models" / f"square-inpainter-{n}.onnx"
        r = {"models": {}, "families": {}}
        r["onnxDifference"] = (p["bert"] - predict(onnx, x)).abs().max().item()
        for arch in ARCHS:
            cfg = models[arch].config
            rf = cfg.get("receptiveField")
            r["models"][arch] = {"parameters": models[arch].parameter_count(),
                                 "relativeBias": bool(cfg.get("relativeBias")),
                                 "receptiveField": f"{rf}×{rf} cells" if rf and rf < 2 * n - 1 else "whole grid",
                                 **describe(records[arch])}
        for i, name in enumerate([*MASK_FAMILIES, "all"]):
            rows = family == i if name != "all" else torch.ones(len(family), dtype=torch.bool)
            r["families"][name] = {"exact": exact_metrics(posterior[rows], pixels[rows], mask[rows], prior_images)}
            for arch in ARCHS:
                r["families"][name][arch] = metrics(p[arch][rows], posterior[rows], pixels[rows], mask[rows],
                                                    prior_images)
        r["maxDistance"] = 6 if n == 8 else 9
        local_cfg = models["cnn-local"].config
        r["localRadius"] = (local_cfg["receptiveField"] - 1) // 2
        bins = distance_bins(mask, distance_to_visible(mask, n), r["maxDistance"])
        r["distance"] = {}
        for arch in ARCHS:
            r["distance"][arch], r["distanceCounts"] = bin_means((p[arch] - posterior).abs(), bins)
        # The posterior's own uncertainty per bucket: the error of a model that knew only which cells are certain.
        r["distance"]["uncertainty"], _ = bin_means(torch.minimum(posterior, 1 - posterior), bins)
        # How much each hidden cell's answer depends on evidence outside the local CNN's view, on the first
        # DEPENDENCE_PER_FAMILY images of each family (one posterior per hidden cell).
        reach = (local_cfg["receptiveField"] // local_cfg["patch"] - 1) // 2  # in patches
        windows = local_windows(n, local_cfg["patch"], reach)
        keep = torch.cat([torch.nonzero(family == i).squeeze(1)[:DEPENDENCE_PER_FAMILY]
                          for i in range(len(MASK_FAMILIES))])
        dependence = outside_dependence(pixels[keep], mask[keep], posterior[keep], windows, prior_images)
        bins = dependence_bins(dependence)
        r["dependence"] = {}
        for arch in ARCHS:
            r["dependence"][arch], r["dependenceCounts"] = bin_means((p[arch][keep] - posterior[keep]).abs(), bins)
        r["dependence"]["outside"], _ = bin_means(dependence, bins)
        r["dependenceImages"] = len(keep)
        # The example: where the local CNN trails the BERT most.
        hidden = mask.bool()
        per_image = {arch: ((p[arch] - posterior).abs() * hidden).sum(1) / hidden.sum(1).clamp(min=1) for arch in ARCHS}
        pick = int((per_image["cnn-local"] - per_image["bert"]).argmax())
        r["example"] = {"pixels": pixels[pick].numpy(), "mask": mask[pick].numpy(),
                        "posterior": posterior[pick].numpy(), "index": pick,
                        "error": {arch: per_image[arch][pick].item() for arch in ARCHS},
                        **{arch: p[arch][pick].numpy() for arch in ARCHS}}
        # Attention: of the corner-family images that leave part of the square visible, the one hiding the most
        # cells, so the corner must be inferred from evidence some distance away.
        corner = torch.nonzero((family == MASK_FAMILIES.index("corner")) & ((pixels * (1 - mask)).sum(1) > 0)).squeeze(1)
        for index in corner[mask[corner].sum(1).argsort(descending=True, stable=True)].tolist():
            try:
                r["attention"] = corner_attention(models["bert"], pixels[index], mask[index], n)
                break
            except ValueError:
                continue
        report["grids"][n] = r
    report["seedPoints"] = seed_points(models_8)
    return report


def digits(per_family: int | None = None) -> dict | None:
    """The digits models (training/checkpoints/{bert,cnn-global}-digits-8.pt) on held-out digits: digits_eval's
    results, and as pictures one mask of each family that no training digit fits. None, with one line on stderr,
    where a checkpoint is missing."""
    import sys

    from ..digits_eval import DEFAULT_CHECKPOINTS, PER_FAMILY as DIGITS_PER_FAMILY, evaluate, load_models

    paths = [CHECKPOINTS / name for name in DEFAULT_CHECKPOINTS]
    missing = [path for path in paths if not path.exists()]
    if missing:
        names = ", ".join(str(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path) for path in missing)
        print(f"report: no digits section: {names} missing (npm run train -- --prior digits [--arch cnn-global] "
              "--checkpoint ...)", file=sys.stderr)
        return None
    models, info = load_models(paths)
    results, arrays = evaluate(models, per_family or DIGITS_PER_FAMILY, info=info)
    rows = []
    for i, family in enumerate(results["heldOut"]["families"]):
        # Family i's (3i)-th mask that nothing fits and hides something (its own first where none does), so the rows
        # show other digits.
        hides = arrays["mask"].sum(1) > 0
        chosen = torch.nonzero((arrays["family"] == i) & (arrays["fits"] == 0) & hides).squeeze(1)
        rows.append(int(chosen[min(3 * i, len(chosen) - 1)]) if len(chosen)
                    else int(torch.nonzero(arrays["family"] == i)[0]))
    example = {"family": [results["heldOut"]["families"][int(arrays["family"][k])] for k in rows],
               "fits": [int(arrays["fits"][k]) for k in rows],
               "label": [int(arrays["labels"][k]) for k in rows] if arrays["labels"] is not None else None,
               "pixels": arrays["pixels"][rows].numpy(), "mask": arrays["mask"][rows].numpy(),
               "p": {m: arrays["p"][m][rows].numpy() for m in [*models, "nearest"]}}
    return {"results": results, "example": example}
