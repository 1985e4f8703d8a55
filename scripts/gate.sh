#!/usr/bin/env bash
# The schemalint GitHub Action (action.yml), runnable anywhere: inputs come from the environment.
#
#   SCHEMALINT_PATHS         files or folders to check, space-separated (default: .)
#   SCHEMALINT_BASELINE_REF  git ref to compare with; empty: no baseline, every finding counts
#   SCHEMALINT_FAIL_ON       severity that fails the gate (default: high)
#   SCHEMALINT_MEASURE       true: also measure with the real enforcer (default: false)
#   SCHEMALINT_SARIF         true: also write SARIF for code scanning (default: true)
#   SCHEMALINT_SARIF_FILE    where (default: schemalint.sarif)
#   SCHEMALINT_ACTION_PATH   schemalint's source to install (the action's own checkout)
#   SCHEMALINT_SKIP_INSTALL  1: use the schemalint already on PATH
#   GITHUB_STEP_SUMMARY      receives the Markdown summary (default: standard output)
#   GITHUB_OUTPUT            receives sarif-file=PATH
#
# The exit code is the gate's: 0 pass, 1 findings (new ones, against a baseline), 2 error.
set -euo pipefail

read -r -a paths <<< "${SCHEMALINT_PATHS:-.}"
(( ${#paths[@]} )) || paths=(.)
measure="${SCHEMALINT_MEASURE:-false}"
sarif="${SCHEMALINT_SARIF:-true}"
sarif_file="${SCHEMALINT_SARIF_FILE:-schemalint.sarif}"
summary="${GITHUB_STEP_SUMMARY:-/dev/stdout}"

schemalint=schemalint
if [[ "${SCHEMALINT_SKIP_INSTALL:-}" != 1 ]]; then
    # A virtual environment of its own: no clash with the job's packages or a managed Python.
    venv="${RUNNER_TEMP:-${TMPDIR:-/tmp}}/schemalint-venv"
    python3 -m venv "$venv"
    source_path="${SCHEMALINT_ACTION_PATH:?SCHEMALINT_ACTION_PATH: schemalint to install}"
    [[ "$measure" == true ]] && source_path="$source_path[measure]"
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "$source_path"
    schemalint="$venv/bin/schemalint"
fi

# Rule links in the summary point at the pages of the commit the action runs
# (GitHub checks actions out under _actions/OWNER/REPO/REF).
if [[ -z "${SCHEMALINT_RULES_URL:-}" && "${SCHEMALINT_ACTION_PATH:-}" =~ _actions/([^/]+)/([^/]+)/([^/]+)/?$ ]]; then
    export SCHEMALINT_RULES_URL="${GITHUB_SERVER_URL:-https://github.com}/${BASH_REMATCH[1]}/${BASH_REMATCH[2]}/blob/${BASH_REMATCH[3]}/rules"
fi

options=(--fail-on "${SCHEMALINT_FAIL_ON:-high}")
[[ "$measure" == true ]] && options+=(--measure)
baseline=()
[[ -n "${SCHEMALINT_BASELINE_REF:-}" ]] && baseline=(--baseline-ref "$SCHEMALINT_BASELINE_REF")

status=0
"$schemalint" check "${paths[@]}" "${options[@]}" ${baseline[@]+"${baseline[@]}"} \
    --format markdown >> "$summary" || status=$?

if [[ "$sarif" == true ]]; then
    # Without a baseline: code scanning tracks which alerts are new itself (docs/baseline.md).
    "$schemalint" check "${paths[@]}" "${options[@]}" --format sarif --exit-zero > "$sarif_file"
    [[ -n "${GITHUB_OUTPUT:-}" ]] && echo "sarif-file=$sarif_file" >> "$GITHUB_OUTPUT"
fi
exit "$status"
