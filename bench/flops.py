"""FLOPs of one model run, for bench/run.mjs, and a large MatMul model that measures a backend's ceiling.

Usage: python3 bench/flops.py MODEL.onnx [MODEL.onnx ...] --matmul OUT.onnx --size M K N
Prints JSON: {"models": {path: {"flops", "matmulFlops", "parameters", "ops"}}, "matmul": {"path", "m", "k", "n", "flops"}}.

FLOPs are counted for batch 1 from the graph with inferred shapes: 2·M·K·N per MatMul/Gemm (the weights and
attention products, nearly all of the work), plus one per output element of every other op
(LayerNormalization, Softmax, Erf, Add, ... counted at 5 for normalisation and softmax). It is an estimate of
the arithmetic, not of memory traffic.
"""
from __future__ import annotations

import argparse
import json
import math

import numpy as np
import onnx
from onnx import helper, numpy_helper, shape_inference

ELEMENTWISE_COST = {"LayerNormalization": 5, "Softmax": 5, "Erf": 1, "Add": 1, "Mul": 1, "Div": 1, "Sub": 1, "ReduceSum": 1}


def _shape(value: onnx.ValueInfoProto) -> list[int] | None:
    dims = value.type.tensor_type.shape.dim
    if not value.type.tensor_type.HasField("shape") or any(not d.HasField("dim_value") for d in dims):
        return None
    return [d.dim_value for d in dims]


def model_flops(path: str) -> dict:
    model = onnx.load(path)
    # Batch 1: fix every symbolic input dimension so shape inference gives numbers.
    for value in model.graph.input:
        for dim in value.type.tensor_type.shape.dim:
            if not dim.HasField("dim_value"):
                dim.dim_value = 1
    inferred = shape_inference.infer_shapes(model, data_prop=True)
    shapes: dict[str, list[int]] = {}
    for value in list(inferred.graph.value_info) + list(inferred.graph.input) + list(inferred.graph.output):
        shape = _shape(value)
        if shape is not None:
            shapes[value.name] = shape
    for init in inferred.graph.initializer:
        shapes[init.name] = list(init.dims)
    parameters = sum(int(np.prod(init.dims)) for init in inferred.graph.initializer if init.data_type == onnx.TensorProto.FLOAT)

    matmul = 0
    other = 0
    unknown: list[str] = []
    for node in inferred.graph.node:
        if node.op_type in ("MatMul", "Gemm"):
            a, b = shapes.get(node.input[0]), shapes.get(node.input[1])
            if a is None or b is None:
                unknown.append(node.name)
                continue
            if node.op_type == "Gemm":
                attrs = {attr.name: helper.get_attribute_value(attr) for attr in node.attribute}
                m, k = (a[1], a[0]) if attrs.get("transA") else (a[0], a[1])
                n = b[0] if attrs.get("transB") else b[1]
                matmul += 2 * m * k * n
            else:
                out = shapes.get(node.output[0])
                if out is None:
                    unknown.append(node.name)
                    continue
                matmul += 2 * math.prod(out) * a[-1]
        elif node.op_type in ELEMENTWISE_COST:
            out = shapes.get(node.output[0])
            if out is not None:
                other += ELEMENTWISE_COST[node.op_type] * math.prod(out)
    return {
        "flops": matmul + other,
        "matmulFlops": matmul,
        "parameters": parameters,
        "ops": len(inferred.graph.node),
        "unknownShapes": unknown,
    }


def write_matmul(path: str, m: int, k: int, n: int) -> dict:
    """One MatMul of a float32 [m, k] input by a constant [k, n] weight: dense work, little else."""
    weight = numpy_helper.from_array(np.random.default_rng(0).standard_normal((k, n)).astype(np.float32) / math.sqrt(k), "weight")
    graph = helper.make_graph(
        [helper.make_node("MatMul", ["input", "weight"], ["output"])],
        "matmul",
        [helper.make_tensor_value_info("input", onnx.TensorProto.FLOAT, [m, k])],
        [helper.make_tensor_value_info("output", onnx.TensorProto.FLOAT, [m, n])],
        [weight],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.save(model, path)
    return {"path": path, "m": m, "k": k, "n": n, "flops": 2 * m * k * n}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("models", nargs="*")
    parser.add_argument("--matmul", help="write the MatMul model here")
    parser.add_argument("--size", nargs=3, type=int, default=[512, 512, 512], metavar=("M", "K", "N"))
    args = parser.parse_args()
    result: dict = {"models": {path: model_flops(path) for path in args.models}}
    if args.matmul:
        result["matmul"] = write_matmul(args.matmul, *args.size)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
