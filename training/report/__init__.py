"""Writes docs/evaluation.md and its figures: the BERT against two CNN baselines and the exact posterior.

    /usr/bin/python3 -m training.report          # npm run report (a minute or two on 2 cores)

A rectangles section (rectangles.py) follows, where its checkpoints exist. The models are the PyTorch checkpoints in training/checkpoints/ ({arch}-{N}.pt). The BERT checkpoints are
the ones the bundled .onnx files were exported from (the report checks that they agree); the CNN baselines are
retrained with the commands the page lists (python3 -m training.train --arch cnn-local|cnn-global). The held-out
sets are evaluate.py's: the same seed, 1000 masked images per mask family. The handwritten digits' section comes
from training/checkpoints/{bert,cnn-global}-digits-8.pt and training/digits_eval.py (it is left out, with one line
on stderr, while either is missing), with its results in docs/digits-evaluation.json.

measure.py measures, figures.py draws, page.py writes the Markdown. Every number on the page is printed here as well.
"""
from __future__ import annotations

import json
from pathlib import Path

from ..cli import Parser
from ..digits_eval import LABELS as DIGITS_LABELS
from . import measure, rectangles
from .figures import figure_attention, figure_dependence, figure_digits, figure_distance, figure_examples
from .page import markdown, readings

DOCS = measure.ROOT / "docs"


def main(argv=None) -> None:
    p = Parser("report", prog="python3 -m training.report", description="Write docs/evaluation.md and docs/figures/.")
    p.add_argument("--out", type=Path, default=DOCS, help="folder for evaluation.md and figures/ (default docs/)")
    p.add_argument("--per-family", type=int, default=None, help="use only the first K held-out images per family")
    args = p.parse_args(argv)
    report = measure.run(args.per_family)
    readings(report)
    figures = args.out / "figures"
    figures.mkdir(parents=True, exist_ok=True)
    figure_distance(report["grids"], figures / "distance.png")
    figure_dependence(report["grids"], figures / "dependence.png")
    figure_examples({n: r["example"] for n, r in report["grids"].items()}, figures / "example.png")
    figure_attention({n: r["attention"] for n, r in report["grids"].items()}, figures / "attention.png")
    report["digits"] = measure.digits(args.per_family)
    if report["digits"]:
        figure_digits(report["digits"]["example"], DIGITS_LABELS, figures / "digits.png")
        (args.out / "digits-evaluation.json").write_text(json.dumps(report["digits"]["results"], indent=2) + "\n")
    page = markdown(report, rectangles.section(rectangles.run(args.per_family)))
    (args.out / "evaluation.md").write_text(page)
    print(page)
