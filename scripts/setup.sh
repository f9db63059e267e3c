#!/usr/bin/env bash
# Installs everything the tests need on a fresh Debian machine: headless Chromium for the browser tests,
# Debian's PyTorch/NumPy/ONNX for the training pipeline, Pillow for priors given as PNG folders, scikit-learn for
# the handwritten digits prior (`--prior digits`; its 8×8 digits come with the package, no download), Matplotlib for
# `npm run report`, Hugo and Jekyll for the
# example sites (`npm run test:site`), and the npm packages.
set -euo pipefail
cd "$(dirname "$0")/.."
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
  chromium python3-torch python3-numpy python3-onnx python3-pil python3-matplotlib python3-sklearn libopenblas0-openmp \
  hugo jekyll >/dev/null
npm ci --no-audit --no-fund
