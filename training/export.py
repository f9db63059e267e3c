"""ONNX export of a SquareBert or SquareCnn, and the parity fixture that checks the export from JavaScript.

The exported graph (opset 17) has input `tokens` int64 [batch, N*N] (0 black, 1 white, 2 hidden) and first
output `logits` float32 [batch, N*N, 2], with a dynamic batch axis. A SquareBert also has a second output
`attention` float32 [batch, N*N, N*N] (row = query cell, each row summing to 1: SquareBert.attention_rollout);
the browser runtime fetches only `logits` for fills. train.py exports at the end of a run; this file also
re-exports a checkpoint (rounding its weights as train.py does):

    /usr/bin/python3 -m training.export --checkpoint training/checkpoints/bert-8.pt \
        --out models/square-inpainter-8.onnx --parity test/fixtures/parity-8.json
    /usr/bin/python3 -m training.export --checkpoint training/checkpoints/cnn-local-8.pt --keep-weights \
        --out demo/models/cnn-local-8.onnx --parity test/fixtures/parity-cnn-local-8.json
    /usr/bin/python3 -m training.export --checkpoint my-shapes.pt --prior my-shapes.npz --out my-shapes-8.onnx

The prior is the one the checkpoint's record names (squares for older checkpoints), or --prior, which must be the
same set (its hash): the parity fixture draws its masks from it, the ONNX metadata records it, and a user's prior is
published beside the model (`<out>.images.json`) as train.py does.

(training/demo_models.py runs the second for every CNN baseline.)
"""
from __future__ import annotations

import json
import os
from pathlib import Path

import torch

from .cli import Parser
from .model import load_checkpoint
from .prior import PriorError, load_prior, sample_batch, tokens

OPSET = 17


class WithAttention(torch.nn.Module):
    """A SquareBert whose forward returns (logits, attention), for the export."""

    def __init__(self, model: torch.nn.Module):
        super().__init__()
        self.model = model

    def forward(self, tokens: torch.Tensor):
        return self.model.forward_with_attention(tokens)



def entry_prior_name(entry: dict) -> str:
    """The name of the prior a manifest entry's model learned; entries from before priors had names are the squares'."""
    return entry.get("prior", {}).get("name", "squares")


def contract_entry(n: int, prior: dict | None = None) -> dict:
    """A manifest entry's model contract for an N×N model: input, output, the prior (Prior.record(); the squares'
    by default) and the opset."""
    prior = prior or load_prior("squares", n).record()
    return {
        "input": {"name": "tokens", "type": "int64", "shape": ["batch", n * n], "order": "row-major",
                  "values": {"black": 0, "white": 1, "hidden": 2}},
        "output": {"name": "logits", "type": "float32", "shape": ["batch", n * n, 2],
                   "classes": {"black": 0, "white": 1}, "probability": "softmax over the last axis"},
        "prior": prior,
        "opset": OPSET,
    }

def output_names(model: torch.nn.Module, attention: bool = True) -> list[str]:
    """`logits`, and `attention` for a model that has one (SquareBert) when asked for."""
    return ["logits", "attention"] if attention and hasattr(model, "forward_with_attention") else ["logits"]


def export_onnx(model: torch.nn.Module, path: Path, attention: bool = False, metadata: dict | None = None) -> None:
    """Exports in fp32 to a temporary file and renames it over `path` only once it is complete. `attention` adds
    the BERT's attention output: onnxruntime computes every output on every run, so the model fills use (the
    bundled one) is exported without it, and the attention export is a file of its own."""
    import onnx

    model = model.cpu().float().eval()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    example = torch.full((2, model.grid_size ** 2), 2, dtype=torch.int64)
    names = output_names(model, attention)
    traced = WithAttention(model) if "attention" in names else model
    with torch.no_grad():
        torch.onnx.export(traced, (example,), str(tmp), input_names=["tokens"], output_names=names,
                          dynamic_axes={"tokens": {0: "batch"}, **{name: {0: "batch"} for name in names}},
                          opset_version=OPSET, do_constant_folding=True)
    graph = onnx.load(str(tmp))
    shorten_names(graph)
    if "attention" in names:
        # The trace reshapes to [-1, N*N, N*N], which leaves the two cell axes unnamed; state them.
        cells = model.grid_size ** 2
        attention = next(output for output in graph.graph.output if output.name == "attention")
        for dim in attention.type.tensor_type.shape.dim[1:]:
            dim.dim_value = cells
    for key, value in (metadata or {}).items():
        graph.metadata_props.add(key=key, value=value)
    onnx.checker.check_model(graph)
    onnx.save(graph, str(tmp))
    os.replace(tmp, path)


def round_weights(model: torch.nn.Module) -> None:
    """Rounds every Linear weight to bfloat16 precision, in place; they stay float32 tensors.

    bf16 autocast trained these matrices at that precision, so the answers barely move (bundled 16×16: error
    against the exact posterior 0.007276 → 0.007277 on 2000 probe images), while the zeroed low halves let gzip
    shrink the file from 772 KB to 413 KB, most of what a page downloads for the model.
    """
    with torch.no_grad():
        for module in model.modules():
            if isinstance(module, torch.nn.Linear):
                module.weight.copy_(module.weight.to(torch.bfloat16).float())


def shorten_names(model) -> None:
    """Renames every node and internal value to a short name (the inputs and outputs stay), in graph order.

    PyTorch names them after the module path (`/blocks.0/attention/MatMul_1_output_0`): about 23 KB raw and
    2.2 KB gzipped of a model a page downloads, for nothing the runtime uses.
    """
    graph = model.graph
    keep = {value.name for value in [*graph.input, *graph.output]}
    names = {}

    def short(name: str) -> str:
        if not name or name in keep:
            return name
        if name not in names:
            names[name] = format(len(names), "x")
        return names[name]

    for initializer in graph.initializer:
        initializer.name = short(initializer.name)
    for node in graph.node:
        node.name = ""
        node.doc_string = ""
        for i, name in enumerate(node.input):
            node.input[i] = short(name)
        for i, name in enumerate(node.output):
            node.output[i] = short(name)
    for value in graph.value_info:
        value.name = short(value.name)


def published_image_set(prior_images: torch.Tensor, n: int) -> dict:
    """An image set in the compact form src/image-set.ts reads (ImageSet.fromJSON): every image's N*N cells
    row-major, one bit each (white 1), most significant bit first, the images back to back, in base64."""
    import base64

    import numpy as np

    bits = np.packbits(prior_images.to(torch.uint8).numpy().reshape(-1))
    return {"format": "square-inpainter-images", "version": 1, "gridSize": n, "count": len(prior_images),
            "bits": base64.b64encode(bits.tobytes()).decode("ascii")}


def write_image_set(prior_images: torch.Tensor, n: int, path: Path) -> None:
    """Writes published_image_set as JSON: what a page gives the element, beside a model of a user's images."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(published_image_set(prior_images, n)) + "\n")


def publish_image_set(prior_images: torch.Tensor, n: int, model_path: Path) -> Path:
    """Writes the set a model learned beside it (`<model>.images.json`, the element's `prior-src`) and says so;
    returns its path. train.py and this file's re-export both publish this way."""
    path = model_path.with_name(model_path.stem + ".images.json")
    write_image_set(prior_images, n, path)
    print(f"wrote {path} ({path.stat().st_size} bytes): the model's image set, for the page", flush=True)
    return path


def parity_queries(n: int) -> list[int]:
    """The query cells whose attention rows a parity fixture keeps: first, middle, last."""
    return [0, (n // 2) * n + n // 2, n * n - 1]


def write_parity_fixture(model: torch.nn.Module, path: Path, prior_images: torch.Tensor, batch: int = 6,
                         prior: dict | None = None) -> None:
    """Tokens from every mask family and PyTorch's fp32 logits for them, as JSON; for a model with an
    `attention` output also its rows for parity_queries (`attentionQueries`, `attention` [batch, queries, N*N])."""
    n = model.grid_size
    g = torch.Generator().manual_seed(777)
    pixels, mask, _ = sample_batch(n, batch, g, prior_images)
    x = tokens(pixels, mask)
    x[0] = 2  # everything hidden
    x[1] = pixels[1].long()  # nothing hidden
    model = model.cpu().float().eval()
    attention = None
    with torch.no_grad():
        if "attention" in output_names(model):
            logits, attention = model.forward_with_attention(x)
        else:
            logits = model(x)
    fixture = {"gridSize": n, **({"prior": prior} if prior else {}), "batch": batch, "tokens": x.flatten().tolist(),
               "logits": [round(v, 6) for v in logits.flatten().tolist()]}
    if attention is not None:
        queries = parity_queries(n)
        fixture["attentionQueries"] = queries
        fixture["attention"] = [round(v, 7) for v in attention[:, queries].flatten().tolist()]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(fixture) + "\n")


def checkpoint_prior(spec: str | None, record: dict | None, n: int):
    """The prior a checkpoint learned: `spec` (--prior) where given, else the one its record names (squares for
    checkpoints from before priors had names). Raises PriorError where --prior is not the set the record hashed."""
    learned = (record or {}).get("prior")
    if spec is None:
        spec = (learned or {}).get("source") or (learned or {}).get("name", "squares")
    prior = load_prior(spec, n)
    if learned and learned.get("sha256") != prior.record()["sha256"]:
        raise PriorError(f"{spec}: not the prior this checkpoint learned ({learned.get('name')}, "
                         f"{learned.get('images')} images, sha256 {str(learned.get('sha256'))[:12]}…)")
    return prior


def main(argv=None) -> None:
    p = Parser("export", prog="python3 -m training.export",
               description="Re-export a train.py checkpoint (BERT or CNN) to ONNX, its Linear weights rounded to "
                           "bfloat16 precision unless --keep-weights.")
    p.add_argument("--checkpoint", type=Path, required=True)
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--prior", default=None,
                   help="the prior the checkpoint learned: squares, rectangles or the file of images it was trained "
                        "on (default: the one its record names); checked against the record's hash")
    p.add_argument("--parity", type=Path, default=None, help="also write a parity fixture")
    p.add_argument("--attention", action="store_true",
                   help="add the BERT's attention output (models/*-attention.onnx; the bundled models have none)")
    p.add_argument("--keep-weights", action="store_true",
                   help="export the checkpoint's weights as they are, unrounded (the CNN baselines: the report "
                        "measured them so)")
    args = p.parse_args(argv)
    if not args.checkpoint.exists():
        p.error(f"{args.checkpoint}: no such checkpoint")
    model, record = load_checkpoint(args.checkpoint)
    try:
        prior = checkpoint_prior(args.prior, record, model.grid_size)
    except PriorError as error:
        p.error(str(error))
    if not args.keep_weights:
        round_weights(model)
    learned = prior.record()
    export_onnx(model, args.out, attention=args.attention, metadata={"prior": json.dumps(learned)})
    if args.parity:
        write_parity_fixture(model, args.parity, prior.images, prior=learned)
    print(f"exported {args.out} ({args.out.stat().st_size} bytes), prior {prior.name} ({len(prior.images)} images)")
    if prior.publishes_images:
        publish_image_set(prior.images, model.grid_size, args.out)


if __name__ == "__main__":
    main()
