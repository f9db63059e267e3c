"""The report's figures, drawn from run()'s measurements with matplotlib (Agg) into PNG files.

Each figure_*() takes the per-grid results and a path; save() leaves out the Software tag, so the same
numbers give the same bytes.
"""
from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from .measure import ARCHS, DEPENDENCE_BINS, LABELS  # noqa: E402

COLORS = {"bert": "#1f77b4", "cnn-local": "#d62728", "cnn-global": "#ff7f0e", "exact": "#2ca02c"}


def figure_distance(results: dict, path: Path) -> None:
    fig, axes = plt.subplots(1, len(results), figsize=(5.2 * len(results), 3.8))
    for ax, (n, r) in zip(np.atleast_1d(axes), results.items()):
        ks = np.arange(1, r["maxDistance"] + 1)
        for arch in ARCHS:
            ax.plot(ks, r["distance"][arch], marker="o", color=COLORS[arch], label=LABELS[arch])
        ax.plot(ks, r["distance"]["uncertainty"], color="gray", linestyle="--", linewidth=1,
                label="exact posterior's min(P, 1−P)")
        radius = r["localRadius"]
        ax.axvline(radius + 0.5, color=COLORS["cnn-local"], linestyle=":", linewidth=1)
        ax.text(radius + 0.6, ax.get_ylim()[1] * 0.92, "local CNN's\nreach", color=COLORS["cnn-local"],
                fontsize=8, va="top")
        ax.set_xticks(ks, [str(k) if k < r["maxDistance"] else f"≥{k}" for k in ks])
        label_error_axes(ax, n, "hidden cell's distance to the nearest visible cell (cells, Chebyshev)")
    save(fig, path)


def figure_dependence(results: dict, path: Path) -> None:
    labels = [f"{lo:g}–{min(hi, 1):g}" for lo, hi in zip(DEPENDENCE_BINS, DEPENDENCE_BINS[1:])]
    fig, axes = plt.subplots(1, len(results), figsize=(5.2 * len(results), 3.8))
    for ax, (n, r) in zip(np.atleast_1d(axes), results.items()):
        x = np.arange(len(labels))
        for arch in ARCHS:
            ax.plot(x, r["dependence"][arch], marker="o", color=COLORS[arch], label=LABELS[arch])
        ax.plot(x, r["dependence"]["outside"], color="gray", linestyle="--", linewidth=1,
                label="the dependence itself")
        ax.set_xticks(x, labels)
        label_error_axes(ax, n, "|P_exact(all evidence) − P_exact(evidence in the local CNN's view)|")
    save(fig, path)


def label_error_axes(ax, n: int, xlabel: str) -> None:
    ax.set_xlabel(xlabel)
    ax.set_ylabel("mean |P(white) − exact|")
    ax.set_title(f"{n}×{n}")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)


def save(fig, path: Path) -> None:
    """PNG without the Software tag, so regenerating the same figure gives the same file."""
    fig.tight_layout()
    fig.savefig(path, metadata={"Software": None})
    plt.close(fig)


def draw_grid(ax, values: np.ndarray, n: int, hidden: np.ndarray | None, title: str, masked: bool = False) -> None:
    img = values.reshape(n, n)
    if masked:
        shown = np.where(hidden.reshape(n, n), 0.5, img)
        ax.imshow(shown, cmap="gray", vmin=0, vmax=1)
    else:
        ax.imshow(img, cmap="gray", vmin=0, vmax=1)
    if hidden is not None and not masked:
        rr, cc = np.nonzero(hidden.reshape(n, n))
        ax.scatter(cc, rr, s=5 if n > 8 else 16, c="#e0457b", marker=".", linewidths=0)
    ax.set_title(title, fontsize=9)
    ax.set_xticks([])
    ax.set_yticks([])


def figure_examples(examples: dict, path: Path) -> None:
    columns = ["true image", "input (gray = hidden)", "exact posterior", *[LABELS[a] for a in ARCHS]]
    fig, axes = plt.subplots(len(examples), len(columns), figsize=(2.1 * len(columns), 2.3 * len(examples)))
    for row, (n, ex) in zip(np.atleast_2d(axes), examples.items()):
        hidden = ex["mask"]
        draw_grid(row[0], ex["pixels"], n, None, f"{n}×{n}: true image")
        draw_grid(row[1], ex["pixels"], n, hidden, columns[1], masked=True)
        draw_grid(row[2], ex["posterior"], n, hidden, "exact P(white)")
        for ax, arch in zip(row[3:], ARCHS):
            draw_grid(ax, ex[arch], n, hidden, f"{LABELS[arch]}\n|P − exact| {ex['error'][arch]:.3f}")
    save(fig, path)


def figure_attention(attention: dict, path: Path) -> None:
    layers = len(next(iter(attention.values()))["maps"])
    fig, axes = plt.subplots(len(attention), layers + 1, figsize=(2.3 * (layers + 1), 2.5 * len(attention)))
    for row, (n, a) in zip(np.atleast_2d(axes), attention.items()):
        qr, qc = divmod(a["query"], n)
        draw_grid(row[0], a["pixels"], n, a["mask"], f"{n}×{n} input; ○ = query", masked=True)
        row[0].scatter([qc], [qr], s=90, facecolors="none", edgecolors="#1f77b4", linewidths=1.5)
        for layer, (ax, m) in enumerate(zip(row[1:], a["maps"])):
            ax.imshow(m.reshape(n, n), cmap="viridis")
            rr, cc = np.nonzero(a["mask"].reshape(n, n))
            ax.scatter(cc, rr, s=5 if n > 8 else 16, c="white", marker=".", linewidths=0)
            ax.scatter([qc], [qr], s=90, facecolors="none", edgecolors="white", linewidths=1.5)
            ax.set_title(f"layer {layer + 1}", fontsize=9)
            ax.set_xticks([])
            ax.set_yticks([])
    save(fig, path)


def figure_digits(example: dict, labels: dict, path: Path) -> None:
    """Rows: held-out digits under one mask of each family; columns: the input, each method's one-shot fill (visible
    cells kept, hidden cells white where P(white) > 0.5; pink dots on hidden cells), the true digit."""
    methods = list(example["p"])
    n = 8
    fig, axes = plt.subplots(len(example["family"]), len(methods) + 2,
                             figsize=(1.8 * (len(methods) + 2), 2.0 * len(example["family"])))
    for k, row in enumerate(np.atleast_2d(axes)):
        pixels, hidden = example["pixels"][k], example["mask"][k]
        label = f" ({example['label'][k]})" if example["label"] else ""
        draw_grid(row[0], pixels, n, hidden, f"{example['family'][k]}{label}\nfits {example['fits'][k]}", masked=True)
        for ax, method in zip(row[1:], methods):
            fill = np.where(hidden > 0.5, example["p"][method][k] > 0.5, pixels).astype(float)
            draw_grid(ax, fill, n, hidden, labels.get(method, method))
        draw_grid(row[-1], pixels, n, hidden, "true digit")
    save(fig, path)
