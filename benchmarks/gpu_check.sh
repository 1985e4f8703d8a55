#!/usr/bin/env bash
# Verify `schemalint generate` on a GPU machine in one run (docs/gpu.md):
#
#   bash benchmarks/gpu_check.sh --download   # here, with an index: wheels into .whl/ (ignored)
#   bash benchmarks/gpu_check.sh [OUT]        # there: install, build, test, benchmark
#
# The GPU machine reaches no package index, so schemalint's dependencies travel as the wheels
# listed in benchmarks/gpu_wheels.txt (CPython 3.12, manylinux x86-64) and are installed with
# --no-deps beside the machine's own torch. The run:
#   1. installs the carried wheels and schemalint itself (--no-deps);
#   2. imports exllamav2 in the background (its extension builds at first import, niced, while
#      step 4's transformers run goes on) and keeps the exact error if it does not build;
#   3. runs `pytest -m gpu tests/generate`;
#   4. runs benchmarks/gpu_generate.py with the transformers backend, then with exllamav2;
#   5. writes every figure and log under OUT ($OUT, else benchmarks/results/gpu_check).
# Without CUDA it runs the same steps on the CPU with the tiny model: the script's own test.
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
WHEELS=${WHEELS:-.whl}

if [ "${1:-}" = "--download" ]; then
    platforms=""
    for tag in manylinux_2_17 manylinux2014 manylinux_2_28 manylinux_2_5 manylinux1; do
        platforms="$platforms --platform ${tag}_x86_64"
    done
    # shellcheck disable=SC2086
    exec python3 -m pip download --no-deps --only-binary=:all: --python-version 3.12 \
        --implementation cp $platforms -d "$WHEELS" -r benchmarks/gpu_wheels.txt
fi

OUT=${OUT:-${1:-benchmarks/results/gpu_check}}
mkdir -p "$OUT"
LOG="$OUT/gpu_check.log"
STARTED=$SECONDS
say() { echo "[$((SECONDS - STARTED)) s] $*" | tee -a "$LOG"; }
# run NAME SECONDS CMD...: one step under its own time budget, its output kept in the log
run() {
    local name=$1 budget=$2
    shift 2
    say "$name: $*"
    timeout --kill-after=10 "$budget" "$@" >>"$LOG" 2>&1
    local rc=$?
    say "$name: exit $rc"
    return $rc
}

if ls "$WHEELS"/*.whl >/dev/null 2>&1; then
    SITE=/tmp/schemalint-site
    run install 120 python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir \
        --upgrade --target "$SITE" "$WHEELS"/*.whl || exit 2
    export PYTHONPATH="$SITE"
    run install-schemalint 120 python3 -m pip install -q --no-index --no-deps \
        --no-build-isolation --no-cache-dir --target "$SITE" . || exit 2
fi
export PYTHONUNBUFFERED=1 HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1
CUDA=$(python3 -c "import torch; print('cuda' if torch.cuda.is_available() else 'cpu')" 2>>"$LOG")
say "device: ${CUDA:-unknown}"
{
    nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv 2>&1 || true
    python3 - <<'EOF'
import importlib.metadata as m, platform
for name in ("torch", "transformers", "exllamav2", "lm-format-enforcer", "schemalint"):
    try:
        print(f"{name} {m.version(name)}")
    except m.PackageNotFoundError:
        print(f"{name} not installed")
import torch
print("cuda", torch.version.cuda, "python", platform.python_version())
EOF
} >"$OUT/environment.txt" 2>&1
cat "$OUT/environment.txt" >>"$LOG"

# 2. exllamav2's extension builds in the background, niced, on the cores the benchmark leaves.
BUILD_LOG="$OUT/exllamav2_build.log"
(
    export MAX_JOBS=${MAX_JOBS:-12}
    started=$SECONDS
    nice -n 19 timeout --kill-after=10 330 python3 -c "import exllamav2; print('exllamav2', exllamav2.__version__, 'loaded')" >"$BUILD_LOG" 2>&1
    echo "exit $? after $((SECONDS - started)) s" >>"$BUILD_LOG"
) &
BUILD=$!

# 4a. transformers on the device, while the extension builds.
if [ "$CUDA" = cuda ]; then SHAPE=7b; else SHAPE=tiny; fi
run transformers 240 python3 benchmarks/gpu_generate.py --device "$CUDA" --shape "$SHAPE" \
    --out "$OUT/gpu_generate_transformers.json"

wait "$BUILD"
cat "$BUILD_LOG" >>"$LOG"
if grep -q "^exllamav2 .* loaded" "$BUILD_LOG"; then
    say "exllamav2: extension built and imported"
    # 3. the GPU tests (they need the extension), then 4b. the exllamav2 backend.
    run pytest-gpu 100 python3 -m pytest -p no:cacheprovider -m gpu tests/generate -v
    run exllamav2 220 python3 benchmarks/gpu_generate.py --device "$CUDA" --shape "$SHAPE" \
        --backend exllamav2 --out "$OUT/gpu_generate_exllamav2.json"
else
    say "exllamav2: did not load; the exact error is in $BUILD_LOG"
    run pytest-gpu 100 python3 -m pytest -p no:cacheprovider -m gpu tests/generate -v
fi
say "done"
