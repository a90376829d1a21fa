#!/bin/sh
# Build the ns-3 baseline benchmarks against the Debian libns3-dev (3.37) package.
# Usage: ./build.sh [outdir]   (default /tmp/ns3-bench)
set -eu
OUT=${1:-/tmp/ns3-bench}
SRC=$(cd "$(dirname "$0")" && pwd)
CXX=${CXX:-g++}
mkdir -p "$OUT"
# The Debian ns3-*.pc files carry a malformed Cflags entry ("-I/usr;"), so the
# include path and libraries are given explicitly instead of via pkg-config.
CXXFLAGS="-O2 -std=c++17 -DNDEBUG -I/usr/include"
LIBDIR=/usr/lib/x86_64-linux-gnu
$CXX $CXXFLAGS "$SRC/kernel_bench.cc" -o "$OUT/kernel_bench" \
    -L$LIBDIR -lns3-core -lgsl -lgslcblas -lsqlite3 -lpthread
$CXX $CXXFLAGS "$SRC/tcp_bulk.cc" -o "$OUT/tcp_bulk" \
    -L$LIBDIR -lns3-applications -lns3-internet -lns3-point-to-point \
    -lns3-traffic-control -lns3-bridge -lns3-network -lns3-stats -lns3-core \
    -lgsl -lgslcblas -lsqlite3 -lpthread
echo "built $OUT/kernel_bench $OUT/tcp_bulk"
