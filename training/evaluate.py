"""Measures the bundled models against the exact posterior and records the figures.

    /usr/bin/python3 -m training.evaluate            # every model in models/manifest.json
    /usr/bin/python3 -m training.evaluate --grid 16  # the models of one grid size
    /usr/bin/python3 -m training.evaluate --prior rectangles --grid 8
    /usr/bin/python3 -m training.evaluate --prior digits [--checkpoint C.pt ...]  # training/digits_eval.py

A held-out set per grid size (seeded apart from training) holds PER_FAMILY masked images for each
mask family. The exported .onnx runs in onnxruntime (Node, training/predict.ts), and per family
and overall we report, over hidden cells:
  meanAbsError       mean |P_model(white) - P_exact(white)|
  certainAgreement   share of the cells the posterior makes certain (P = 0 or 1) that the model's argmax gets
  accuracy           model argmax against the true pixels, beside exactAccuracy (the posterior's argmax)
  validOneShot       share of one-shot argmax completions that are an image of the prior
The figures go into models/manifest.json (the model's "evaluation") and the README table.

Decoding (evaluate_decoding): training/decoding-eval.ts runs src/decoding.ts over the .onnx in
onnxruntime-node, DECODING_PER_FAMILY masks per family from training/mask-families.ts (the same families,
drawn in TypeScript with their own seed), with one-shot, iterative and sample decoding, and reports
per family the share of valid completions (a square of the prior that keeps every visible cell) and
the model runs used (mean, p99, max). It goes under the model's evaluation.decoding and a second table.
"""
from __future__ import annotations

import json
import os
import subprocess
import tempfile
from pathlib import Path

import numpy as np
import torch

from .cli import Parser
from .export import entry_prior_name, write_image_set
from .prior import MASK_FAMILIES, Prior, consistent, exact_posterior, images, load_prior, sample_batch, tokens

ROOT = Path(__file__).resolve().parent.parent
MANIFEST = ROOT / "models" / "manifest.json"
README = ROOT / "README.md"
PER_FAMILY = 1000
DECODING_PER_FAMILY = PER_FAMILY  # 16×16: about 80k model runs, 75 s on one idle core
DECODINGS = ("one-shot", "iterative", "sample")
SEED = 20261126
TABLE_START, TABLE_END = "<!-- evaluation:start -->", "<!-- evaluation:end -->"


def entry_prior(entry: dict) -> Prior:
    """The bundled prior a manifest entry's model learned."""
    return load_prior(entry_prior_name(entry), entry["gridSize"])


def label(entry: dict) -> str:
    """`8×8` for the squares' models, as ever; `rectangles 8×8` for another prior's."""
    name = entry_prior_name(entry)
    n = entry["gridSize"]
    return f"{n}×{n}" if name == "squares" else f"{name} {n}×{n}"


def held_out(n: int, per_family: int = PER_FAMILY, prior_images: torch.Tensor | None = None):
    """Held-out masked images of the prior (the squares' by default), per_family of each mask family."""
    prior_images = images(n) if prior_images is None else prior_images
    g = torch.Generator().manual_seed(SEED + n)
    parts = [sample_batch(n, per_family, g, prior_images, families=(f,)) for f in MASK_FAMILIES]
    pixels = torch.cat([p for p, _, _ in parts])
    mask = torch.cat([m for _, m, _ in parts])
    family = torch.cat([torch.full((per_family,), i) for i in range(len(MASK_FAMILIES))])
    return pixels, mask, family, prior_images


def predict(model_path: Path, x: torch.Tensor) -> torch.Tensor:
    """P(white) [B, cells] from the .onnx, run by onnxruntime-node."""
    with tempfile.TemporaryDirectory() as tmp:
        tokens_path, out_path = Path(tmp) / "tokens.bin", Path(tmp) / "p.bin"
        tokens_path.write_bytes(x.to(torch.uint8).numpy().tobytes())
        subprocess.run(["node", "--import", "tsx", str(ROOT / "training" / "predict.ts"), str(model_path), str(tokens_path),
                        str(out_path), str(x.shape[1])], cwd=ROOT, check=True)
        return torch.from_numpy(np.fromfile(out_path, dtype=np.float32).reshape(x.shape).copy())


def metrics(p_model, posterior, pixels, mask, prior_images) -> dict:
    hidden = mask.bool()
    model_white = p_model > 0.5
    exact_white = posterior > 0.5
    certain = hidden & ((posterior == 0) | (posterior == 1))
    completion = torch.where(hidden, model_white.float(), pixels)
    valid = consistent(completion, torch.zeros_like(mask), prior_images).any(1)
    return {
        "images": int(len(pixels)),
        "hiddenCells": int(hidden.sum()),
        "meanAbsError": round((p_model - posterior).abs()[hidden].mean().item(), 5),
        "maxAbsError": round((p_model - posterior).abs()[hidden].max().item(), 4),
        "certainCells": int(certain.sum()),
        "certainAgreement": round((model_white == exact_white)[certain].float().mean().item(), 5),
        "accuracy": round((model_white == pixels.bool())[hidden].float().mean().item(), 5),
        "exactAccuracy": round((exact_white == pixels.bool())[hidden].float().mean().item(), 5),
        "validOneShot": round(valid.float().mean().item(), 4),
    }


def evaluate(entry: dict, folder: Path = ROOT / "models") -> dict:
    """The held-out figures of the model `entry` names (its gridSize and file, in `folder`)."""
    n = entry["gridSize"]
    pixels, mask, family, prior_images = held_out(n, prior_images=entry_prior(entry).images)
    posterior = exact_posterior(pixels, mask, prior_images)
    p_model = predict(folder / entry["file"], tokens(pixels, mask))
    result = {"heldOut": {"perFamily": PER_FAMILY, "seed": SEED + n, "families": list(MASK_FAMILIES)},
              "overall": metrics(p_model, posterior, pixels, mask, prior_images), "families": {}}
    for i, name in enumerate(MASK_FAMILIES):
        rows = family == i
        result["families"][name] = metrics(p_model[rows], posterior[rows], pixels[rows], mask[rows], prior_images)
    return result


def evaluate_decoding(entry: dict, per_family: int = DECODING_PER_FAMILY) -> dict:
    """Valid completions and model runs per decoding and mask family (training/decoding-eval.ts)."""
    n = entry["gridSize"]
    prior = entry_prior(entry)
    with tempfile.TemporaryDirectory() as tmp:
        extra = []
        if prior.name != "squares":
            images_path = Path(tmp) / "prior.images.json"
            write_image_set(prior.images, n, images_path)
            extra = ["--prior-images", str(images_path)]
        out = subprocess.run(["node", "--import", "tsx", str(ROOT / "training" / "decoding-eval.ts"),
                              "--model", str(ROOT / "models" / entry["file"]), "--grid", str(n),
                              "--per-family", str(per_family), "--seed", str(SEED + n), *extra],
                             cwd=ROOT, check=True, stdout=subprocess.PIPE, text=True).stdout
    result = json.loads(out)
    result["model"] = entry["file"]
    return result


def decoding_table(manifest: dict) -> list[str]:
    entries = [e for e in manifest["models"] if (e.get("evaluation") or {}).get("decoding")]
    if not entries:
        return []
    first = entries[0]["evaluation"]["decoding"]
    lines = ["", f"Decoding with the model (`training/decoding-eval.ts`, {first['perFamily']} masks per family from "
             "`training/mask-families.ts`): the share of completions that are a square of the prior keeping every "
             f"visible cell, and the model runs each took (mean / p99 / max; `steps` {first['steps']['iterative']} "
             f"for iterative, {first['steps']['sample']} for sample).", "",
             "| grid | mask family | one-shot valid | iterative valid | iterative runs | sample valid | sample runs |",
             "|---|---|---|---|---|---|---|"]
    for entry in entries:
        ev = entry["evaluation"]["decoding"]
        for name, m in [*ev["families"].items(), ("**all**", ev["overall"])]:
            cells = []
            for decoding in DECODINGS:
                d = m[decoding]
                cells.append(f"{100 * d['valid']:.1f}%")
                if decoding != "one-shot":
                    r = d["runs"]
                    cells.append(f"{r['mean']:.2f} / {r['p99']} / {r['max']}")
            lines.append(f"| {label(entry)} | {name} | {' | '.join(cells)} |")
    return lines


def table(manifest: dict) -> str:
    lines = ["| grid | mask family | mean abs error vs exact | certain-cell agreement | accuracy (model / exact) "
             "| valid one-shot squares |", "|---|---|---|---|---|---|"]
    for entry in manifest["models"]:
        ev = entry.get("evaluation")
        if not ev:
            continue
        for name, m in [*ev["families"].items(), ("**all**", ev["overall"])]:
            lines.append(f"| {label(entry)} | {name} | {m['meanAbsError']:.4f} | "
                         f"{100 * m['certainAgreement']:.2f}% | {100 * m['accuracy']:.2f}% / "
                         f"{100 * m['exactAccuracy']:.2f}% | {100 * m['validOneShot']:.1f}% |")
    lines.append("")
    for entry in manifest["models"]:
        t = entry["training"]
        lines.append(f"- {label(entry)}: `{entry['file']}`, {entry['bytes'] / 1e6:.2f} MB, "
                     f"{entry['parameters']:,} parameters, {t['steps']} steps in {t['seconds'] / 60:.1f} min on a "
                     f"{t['machine']} ({t['targets']} targets, seed {t['seed']})"
                     + (f", then a {t['fineTune']['steps']}-step fine-tune on decoding-like masks in "
                        f"{t['fineTune']['seconds'] / 60:.1f} min ({t['totalSeconds'] / 60:.1f} min in all)."
                        if t.get("fineTune") else "."))
    lines.extend(decoding_table(manifest))
    return "\n".join(lines)


def write_readme_table(manifest: dict) -> None:
    if not README.exists():
        return
    text = README.read_text()
    if TABLE_START not in text:
        return
    head, rest = text.split(TABLE_START, 1)
    _, tail = rest.split(TABLE_END, 1)
    README.write_text(f"{head}{TABLE_START}\n{table(manifest)}\n{TABLE_END}{tail}")


def main(argv=None) -> None:
    p = Parser("evaluate.py", description="Evaluate the bundled models against the exact posterior.")
    p.add_argument("--grid", type=int, default=None)
    p.add_argument("--prior", default=None, help="only this bundled prior's models (squares, rectangles); digits: "
                   "the digits checkpoints on held-out digits (training/digits_eval.py, which takes the other flags)")
    args, rest = p.parse_known_args(argv)
    if args.prior == "digits":
        from .digits_eval import main as evaluate_digits

        evaluate_digits(rest)
        return
    if rest:
        p.error(f"unrecognized arguments: {' '.join(rest)}")
    manifest = json.loads(MANIFEST.read_text()) if MANIFEST.exists() else {"models": []}
    chosen = [m for m in manifest["models"] if args.grid in (None, m["gridSize"])
              and args.prior in (None, entry_prior_name(m))]
    if not chosen:
        have = ", ".join(label(m) for m in manifest["models"])
        p.error(f"no model in {MANIFEST.relative_to(ROOT)} for --prior {args.prior or 'any'} --grid "
                f"{args.grid or 'any'} (have {have})")
    for entry in manifest["models"]:
        if entry in chosen:
            entry["evaluation"] = evaluate(entry)
            entry["evaluation"]["decoding"] = evaluate_decoding(entry)
            o = entry["evaluation"]["overall"]
            print(f"{label(entry)}: mean |P-exact| {o['meanAbsError']:.4f}, certain "
                  f"agreement {100 * o['certainAgreement']:.3f}%, accuracy {100 * o['accuracy']:.2f}% (exact "
                  f"{100 * o['exactAccuracy']:.2f}%), valid one-shot {100 * o['validOneShot']:.1f}%", flush=True)
            d = entry["evaluation"]["decoding"]["overall"]
            print("    valid completions: " + ", ".join(
                f"{k} {100 * d[k]['valid']:.1f}% ({d[k]['runs']['mean']:.2f} runs, max {d[k]['runs']['max']})"
                for k in DECODINGS), flush=True)
    tmp = MANIFEST.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(manifest, indent=2) + "\n")
    os.replace(tmp, MANIFEST)
    write_readme_table(manifest)
    print(table(manifest))


if __name__ == "__main__":
    main()
