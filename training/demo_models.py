"""Exports the CNN baselines of docs/evaluation.md for the demo, and measures the exported files.

    /usr/bin/python3 -m training.demo_models

For each of training/checkpoints/{cnn-local,cnn-global}-{8,16}.pt: demo/models/{arch}-{N}.onnx with the bundled
models' contract (input `tokens` int64 [batch, N*N], 0 black, 1 white, 2 hidden; output `logits` float32
[batch, N*N, 2], class 1 white; no `attention`: a CNN has none), its weights as the checkpoint holds them (the
report measured them unrounded), and a parity fixture test/fixtures/parity-{arch}-{N}.json. Then the .onnx runs
in onnxruntime-node over evaluate.py's held-out set: its largest difference from the checkpoint in PyTorch
(P(white), every held-out cell), and evaluate.py's figures against the exact posterior. All of it goes into
demo/models/manifest.json. The build copies these files into the npm package as dist/baselines/ (rollup.config.mjs),
for pages that compare the baselines with the bundled BERT through `model-src`.
"""
from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import torch

from .evaluate import held_out, evaluate, predict
from .export import contract_entry, export_onnx, write_parity_fixture
from .model import load_checkpoint
from .prior import tokens
from .report.measure import probabilities
from .train import ARCH_KINDS

ROOT = Path(__file__).resolve().parent.parent
CHECKPOINTS = ROOT / "training" / "checkpoints"
DEMO_MODELS = ROOT / "demo" / "models"
FIXTURES = ROOT / "test" / "fixtures"
ARCHS = ("cnn-local", "cnn-global")
GRIDS = (8, 16)


def parity(model_path: Path, fixture: Path) -> float:
    """training/parity.ts's largest |onnxruntime - PyTorch| over the fixture's logits."""
    out = subprocess.run(["node", "--import", "tsx", str(ROOT / "training" / "parity.ts"), str(model_path), str(fixture)], cwd=ROOT,
                         check=True, stdout=subprocess.PIPE, text=True).stdout
    return float(out.split("=")[1].split()[0])


def export_baseline(arch: str, n: int) -> dict:
    checkpoint = CHECKPOINTS / f"{arch}-{n}.pt"
    name = f"{arch}-{n}"
    out, fixture = DEMO_MODELS / f"{name}.onnx", FIXTURES / f"parity-{name}.json"
    model, _ = load_checkpoint(checkpoint)
    export_onnx(model, out)
    pixels, mask, _, prior_images = held_out(n)
    write_parity_fixture(model, fixture, prior_images)
    x = tokens(pixels, mask)
    entry = {
        "name": name,
        "gridSize": n,
        "file": out.name,
        "bytes": out.stat().st_size,
        **contract_entry(n),
        "architecture": {"kind": ARCH_KINDS[arch], **model.config},
        "parameters": model.parameter_count(),
        "checkpoint": str(checkpoint.relative_to(ROOT)),
        "weights": "float32, as the checkpoint holds them (not rounded: the figures of docs/evaluation.md are the "
                   "checkpoint's)",
        "export": f"/usr/bin/python3 -m training.export --checkpoint {checkpoint.relative_to(ROOT)} --keep-weights "
                  f"--out {out.relative_to(ROOT)} --parity {fixture.relative_to(ROOT)}",
        "parity": {
            "fixture": str(fixture.relative_to(ROOT)),
            "maxAbsLogitsDifference": parity(out, fixture),
            "heldOutMaxAbsProbabilityDifference": round(
                (probabilities(model, x) - predict(out, x)).abs().max().item(), 8),
        },
    }
    entry["evaluation"] = evaluate(entry, DEMO_MODELS)
    return entry


def main() -> None:
    torch.set_num_threads(1)
    models = []
    for n in GRIDS:
        for arch in ARCHS:
            entry = export_baseline(arch, n)
            o = entry["evaluation"]["overall"]
            print(f"{entry['file']}: {entry['bytes']} bytes, parity {entry['parity']['maxAbsLogitsDifference']:.2e} "
                  f"(logits), {entry['parity']['heldOutMaxAbsProbabilityDifference']:.2e} (P, held-out set); "
                  f"mean |P-exact| {o['meanAbsError']:.4f}, certain agreement {100 * o['certainAgreement']:.3f}%, "
                  f"valid one-shot {100 * o['validOneShot']:.1f}%", flush=True)
            models.append(entry)
    manifest = {
        "description": "The CNN baselines of docs/evaluation.md, exported for the demo page to compare with the "
                       "bundled BERT (model-src); the npm package ships them as dist/baselines/. Written by "
                       "/usr/bin/python3 -m training.demo_models.",
        "models": models,
    }
    path = DEMO_MODELS / "manifest.json"
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(manifest, indent=2) + "\n")
    os.replace(tmp, path)


if __name__ == "__main__":
    main()
