"""The report's rectangles section: the BERT, the dilated CNN and the local CNN at equal steps on the rectangles
prior (8×8, 625 images), and the shipped rectangles BERT, all against the exact posterior.

The three equal-step models are checkpoints of their own (RUNS), trained with the commands their records keep
(listed on the page): the same prior, masks, soft targets, batch, learning rate, decoding share and step count,
so that only the architecture differs. The shipped BERT had more steps; it is there to show what they buy.
"""
from __future__ import annotations

import sys

import torch

from ..evaluate import PER_FAMILY, held_out, metrics
from ..model import load_checkpoint
from ..prior import MASK_FAMILIES, exact_posterior, load_prior, tokens
from . import measure
from .measure import LABELS, describe, probabilities

GRID = 8
# Label -> checkpoint; the shipped model first.
RUNS = {
    "BERT, shipped": "bert-rectangles-8.pt",
    "BERT": "bert-rectangles-8-equal.pt",
    LABELS["cnn-global"]: "cnn-global-rectangles-8.pt",
    LABELS["cnn-local"]: "cnn-local-rectangles-8.pt",
}
EQUAL = [label for label in RUNS if label != "BERT, shipped"]


def run(per_family_limit: int | None = None) -> dict | None:
    """Every model's metrics per family and overall, or None (said on stderr) where a checkpoint is missing."""
    checkpoints = measure.CHECKPOINTS  # tests point it elsewhere
    missing = [name for name in RUNS.values() if not (checkpoints / name).exists()]
    if missing:
        print(f"report: no rectangles section: {', '.join(missing)} missing in {checkpoints}", file=sys.stderr)
        return None
    prior = load_prior("rectangles", GRID)
    pixels, mask, family, prior_images = held_out(GRID, prior_images=prior.images)
    if per_family_limit:
        keep = torch.cat([torch.nonzero(family == i).squeeze(1)[:per_family_limit] for i in range(len(MASK_FAMILIES))])
        pixels, mask, family = pixels[keep], mask[keep], family[keep]
    posterior = exact_posterior(pixels, mask, prior_images)
    x = tokens(pixels, mask)
    result = {"models": {}, "families": {}}
    for label, name in RUNS.items():
        model, record = load_checkpoint(checkpoints / name)
        p = probabilities(model, x)
        info = describe(record)
        info.update(parameters=model.parameter_count(), steps=record["training"]["steps"] if record else None,
                    checkpoint=name)
        result["models"][label] = info
        for i, fam in enumerate([*MASK_FAMILIES, "all"]):
            rows = family == i if fam != "all" else torch.ones(len(family), dtype=torch.bool)
            result["families"].setdefault(fam, {})[label] = metrics(p[rows], posterior[rows], pixels[rows],
                                                                    mask[rows], prior_images)
    result["reading"] = reading(result)
    return result


def reading(result: dict) -> str:
    """What the equal-step numbers show, computed from them."""
    overall = {label: result["families"]["all"][label]["meanAbsError"] for label in RUNS}
    ranked = sorted(EQUAL, key=overall.get)
    best, worst = ranked[0], ranked[-1]
    bert, dilated, local = overall["BERT"], overall[LABELS["cnn-global"]], overall[LABELS["cnn-local"]]
    close = abs(bert - dilated) <= 0.1 * max(bert, dilated)
    steps = result["models"]["BERT"]["steps"]
    # In a sentence, "the dilated CNN" rather than the tables' "CNN, dilated".
    words = {LABELS["cnn-global"]: "dilated CNN", LABELS["cnn-local"]: "local CNN"}
    text = (f"At {steps} steps each, the {words.get(best, best)} is closest to the exact posterior ({overall[best]:.4f} "
            f"mean abs error over every held-out hidden cell) and the {words.get(worst, worst)} furthest "
            f"({overall[worst]:.4f}). ")
    text += ("The BERT and the dilated CNN are within 10% of each other (" if close else
             "The BERT and the dilated CNN differ by more than 10% (") + f"{bert:.4f} and {dilated:.4f}); "
    text += (f"the local CNN, which sees 7×7 cells, trails both ({local:.4f}). " if local > max(bert, dilated) else
             f"the local CNN, which sees 7×7 cells, is at {local:.4f}. ")
    shipped = result["models"]["BERT, shipped"]["steps"]
    text += (f"The shipped BERT, at {shipped} steps, reaches {overall['BERT, shipped']:.4f}: as on the squares, "
             "what the rectangles need is a view of the whole grid, and then steps.")
    return text


def section(result: dict | None) -> list[str]:
    """The page's lines for the section, or none without its checkpoints."""
    if result is None:
        return []
    lines = ["## Rectangles", "",
             "The second bundled prior: one white filled axis-aligned rectangle, height and width each 2..6, every "
             f"placement equally likely (625 images at 8×8). The BERT and the two CNNs below were trained alike, "
             f"for the same number of steps; the shipped BERT (`models/square-inpainter-rectangles-8.onnx`) trained "
             f"longer. Held-out: evaluate.py's rectangles sets, {PER_FAMILY} masked images per family.", "",
             result["reading"], "",
             "| model | parameters | training | time | command |", "|---|---|---|---|---|"]
    for label, info in result["models"].items():
        lines.append(f"| {label} | {info['parameters']:,} | {info['training']} | {info['time']} | {info['command']} |")
    lines += ["", "| mask family | model | mean abs error | accuracy | certain-cell agreement | valid one-shot |",
              "|---|---|---|---|---|---|"]
    for fam, by_model in result["families"].items():
        for k, (label, m) in enumerate(by_model.items()):
            lines.append(f"| {fam if k == 0 else ''} | {label} | {m['meanAbsError']:.4f} | {100 * m['accuracy']:.2f}% "
                         f"| {100 * m['certainAgreement']:.2f}% | {100 * m['validOneShot']:.1f}% |")
    return lines + [""]
