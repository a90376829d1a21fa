#!/usr/bin/env bash
# Installs what wiresim needs from Debian's packages (only what is missing) and builds it.
# Usage: scripts/setup.sh [--sanitize]   (env WIRESIM_BUILD picks the build directory)
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(build-essential cmake ninja-build pkg-config python3
          libboost-graph-dev libtomlplusplus-dev libcli11-dev nlohmann-json3-dev doctest-dev
          libssl-dev libstb-dev tshark curl
          # the desktop view: Dear ImGui (with its GLFW and OpenGL 3 backends), GLFW, Mesa,
          # a font with arrows and Greek, and a virtual display for headless screenshots
          libimgui-dev libglfw3-dev libgl1-mesa-dev libgl1-mesa-dri fonts-dejavu-core xvfb xauth)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  # tshark asks whether non-root users may capture; the default answer (no) is fine.
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi

build=${WIRESIM_BUILD:-build}
sanitize=OFF
[ "${1:-}" = "--sanitize" ] && sanitize=ON
if [ "$sanitize" = ON ]; then
  cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DWIRESIM_SANITIZE=ON -DWIRESIM_BENCH=OFF >/dev/null
else
  cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
fi
cmake --build "$build"
