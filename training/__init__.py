"""The offline pipeline: the square prior, the models, training, ONNX export, evaluation and the report.

Run its scripts as modules from the repository root, e.g. `/usr/bin/python3 -m training.train --grid 16`.
Never shipped with the package.
"""
