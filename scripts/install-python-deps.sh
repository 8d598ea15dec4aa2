#!/usr/bin/env bash
# Installs the Debian packages the training code needs (PyTorch, ONNX, OpenBLAS, pytest), only when missing.
set -euo pipefail
packages=(python3-torch python3-torchvision python3-onnx python3-pytest python3-numpy python3-scipy python3-pil libopenblas0-pthread)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "installing: ${missing[*]}"
  apt-get update -q
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}"
else
  echo "python toolchain present"
fi
