"""Which schemas each target takes: as they are, after `rewrite --target T --unsafe-fixes`, or
not at all, over the Glaive tool schemas and the samples; for the local engines, how often the
static verdict agrees with the real engine's compile.

    python benchmarks/targets.py [--corpus ../shared/corpus/Glaiveai2K] [--out FILE] [--doc FILE]

Each schema is checked with ``--target T`` (as one tool's parameters: the corpus holds
function-calling parameter schemas); a schema with no finding that refuses it or passes a
limit is *accepted*. The others are rewritten for T and checked again: *accepted after rewrite*
or *not rewritable*, with the findings that remain. For xgrammar, llguidance and outlines-core
the schema (and the rewritten one) is also compiled by the real engine, and every disagreement
is listed. Also times the check per schema with and without the targets, in the same run.
Prints a table, writes JSON (default benchmarks/results/targets.json) and Markdown (default
docs/targets.md).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import schemalint
from schemalint.engines import llguidance, outlines, xgrammar
from schemalint.engines.base import stderr_lines
from schemalint.load.kinds import normalise

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # the vendored test suite's drafts are named with the tests
    sys.path.insert(0, str(ROOT))
from tests.rewriting.differential import DRAFTS, SUITE  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus" / "Glaiveai2K"
PROVIDERS = ("openai", "anthropic", "gemini")
REAL: dict[str, Callable[[Any], str]] = {
    "xgrammar": xgrammar.refusal,
    "llguidance": llguidance.refusal,
    "outlines": outlines.refusal,
}
TARGETS = (*REAL, "vllm", *PROVIDERS)


def inputs(corpus: Path) -> list[tuple[str, Any]]:
    """(label, tools list): each Glaive schema as one tool, then each sample as it is."""
    found: list[tuple[str, Any]] = []
    for path in sorted(corpus.glob("*.json")):
        schema = json.loads(path.read_text(encoding="utf-8"))["schema"]
        tool = {"type": "function", "function": {"name": "tool", "parameters": schema}}
        found.append((f"glaive/{path.name}", [tool]))
    for path in sorted((ROOT / "samples").rglob("*.json")):
        if "instances" not in path.parts:
            found.append((f"samples/{path.relative_to(ROOT / 'samples')}", path))
    return found


def blocking(result: schemalint.CheckResult) -> list[str]:
    (verdict,) = result.files[0].verdicts()
    return sorted({finding.code for finding in [*verdict.refused, *verdict.limits]})


def drops(result: schemalint.CheckResult) -> bool:
    (verdict,) = result.files[0].verdicts()
    return bool(verdict.dropped)


def compiled(source: Any) -> Any:
    """The schema an engine is sent: the document as `check --measure --engine` compiles it."""
    data = json.loads(source.read_text(encoding="utf-8")) if isinstance(source, Path) else source
    return normalise(data).schema


def judge(source: Any, target: str) -> tuple[str, list[str], list[str], bool, Any]:
    """The outcome, the codes that refused the schema as it was, those left after, whether
    the target silently drops a keyword of it as it is, and the rewritten document."""
    checked = schemalint.check(source, target=target)
    before = blocking(checked)
    if not before:
        return "accepted", [], [], drops(checked), None
    done = schemalint.rewrite(source, target=target, unsafe_fixes=True)
    after = blocking(schemalint.check(done.data, target=target))
    outcome = "accepted after rewrite" if not after else "not rewritable"
    return outcome, before, after, drops(checked), done.data


def timing(sources: list[tuple[str, Any]]) -> dict[str, float]:
    """Milliseconds a check takes per schema, LMFE alone and with the three providers, the two
    alternating schema by schema (so that the machine's noise falls on both alike)."""
    variants = {"lmfe": "lmfe", "lmfe+all targets": ",".join(("lmfe", *TARGETS))}
    spent = dict.fromkeys(variants, 0.0)
    for _, source in sources:
        for label, targets in variants.items():
            started = time.perf_counter()
            schemalint.check(source, target=targets)
            spent[label] += time.perf_counter() - started
    return {label: seconds * 1000 / len(sources) for label, seconds in spent.items()}


def render(data: dict[str, Any]) -> str:
    lines = [
        "# Targets: what each engine and provider takes",
        "",
        "Made by `python benchmarks/targets.py` over the "
        f"{data['schemas']} Glaive tool schemas (each as one tool's parameters) and the samples. "
        "*Accepted*: no finding that refuses the schema or passes a limit (`check --target T`). "
        "*After rewrite*: accepted once `rewrite --target T --unsafe-fixes` has run. *Not "
        "rewritable*: what is left needs a change of shape no rewrite makes (a union at the "
        "root, recursion, a size limit). The facts behind each rule are on its page in "
        "`rules/`: quoted with their sources for providers, verified by compiling the page's "
        "example in the pinned engine for the local engines.",
        "",
        "| target | accepted as they are | accepted after rewrite | not rewritable | "
        "a keyword silently dropped |",
        "|---|---|---|---|---|",
    ]
    for target, row in data["targets"].items():
        counts = row["outcomes"]
        lines.append(
            f"| {target} | {counts.get('accepted', 0)} | "
            f"{counts.get('accepted after rewrite', 0)} | {counts.get('not rewritable', 0)} | "
            f"{row['dropping']} |"
        )
    lines += ["", "What refused the schemas as they were, and what was left after the rewrite:", ""]
    lines += ["| target | refused for (schemas) | left after rewrite (schemas) |", "|---|---|---|"]
    for target, row in data["targets"].items():
        before = ", ".join(f"{code} {n}" for code, n in row["refused_for"].items()) or "-"
        after = ", ".join(f"{code} {n}" for code, n in row["left_after"].items()) or "-"
        lines.append(f"| {target} | {before} | {after} |")
    lines += ["", "Not rewritable, each with what is left:", ""]
    for target, row in data["targets"].items():
        for label, codes in row["not_rewritable"].items():
            lines.append(f"- {target}: `{label}`: {', '.join(codes)}")
    lines += agreement_lines(data)
    per = data["ms_per_schema"]
    lines += [
        "",
        f"Check time per schema, same run: {per['lmfe']:.2f} ms judged for LMFE alone, "
        f"{per['lmfe+all targets']:.2f} ms for LMFE and every target.",
        "",
    ]
    return "\n".join(lines)


def agreement_lines(data: dict[str, Any]) -> list[str]:
    lines = agreement_table(
        data["agreement"],
        "Glaive tool schemas and samples",
        "Each schema as it is, and each rewritten one, compiled by the pinned engine (xgrammar "
        "`Grammar.from_json_schema`, llguidance `validate_grammar_with_warnings`, outlines-core "
        "`build_regex_from_schema`); the static verdict is *accepted* when no finding refuses "
        "it. vLLM is not installed here: its verdict is the backend it picks, whose rules are "
        "these.",
    )
    lines += agreement_table(
        data["suite_agreement"],
        "JSON Schema Test Suite (hard cases)",
        "Every group's schema of the vendored JSON Schema Test Suite (drafts 2020-12, 2019-09, "
        "7 and 4, `$schema` set as the suite's runner sets it), as it is: the corner cases of "
        "the specification, far from what tool schemas look like.",
    )
    return lines


def agreement_table(rows: dict[str, Any], title: str, intro: str) -> list[str]:
    rewritten = any(row["rewritten"] for row in rows.values())
    lines = [
        "",
        f"## Static verdict against the real compile: {title}",
        "",
        intro,
        "",
        "| engine | schemas | agree | agreement |"
        + (" rewritten schemas the engine accepts |" if rewritten else ""),
        "|---|---|---|---|" + ("---|" if rewritten else ""),
    ]
    for target, row in rows.items():
        lines.append(
            f"| {target} | {row['schemas']} | {row['agree']} | "
            f"{100 * row['agree'] / row['schemas']:.1f}% |"
            + (f" {row['rewritten_accepted']} of {row['rewritten']} |" if rewritten else "")
        )
    lines += ["", "Disagreements (static verdict; what the engine said):", ""]
    found = [
        f"- {target}: `{label}`: static {static}; engine: {real or 'accepted'}"
        for target, row in rows.items()
        for label, static, real in row["disagreements"]
    ]
    return lines + (found or ["- none"])


def suite_sources() -> list[tuple[str, Any]]:
    """Each group's schema of the vendored JSON Schema Test Suite, with its draft's
    ``$schema`` where it names none (as the suite's runner reads them)."""
    found = []
    for draft, uri in DRAFTS.items():
        for path in sorted((SUITE / draft).rglob("*.json")):
            for group in json.loads(path.read_text(encoding="utf-8")):
                schema = group["schema"]
                if isinstance(schema, dict) and "$schema" not in schema:
                    schema = {"$schema": uri, **schema}
                label = f"{path.relative_to(SUITE).as_posix()}: {group['description']}"
                found.append((label, schema))
    return found


def agreement(sources: list[tuple[str, Any]], target: str, rewrite: bool = True) -> dict[str, Any]:
    """How often the static verdict on each schema matches the real engine's compile."""
    real = REAL[target]
    agree, rewritten, rewritten_accepted = 0, 0, 0
    disagreements: list[tuple[str, str, str]] = []
    for label, source in sources:
        if rewrite:
            outcome, _, after, _, data = judge(source, target)
        else:
            blocked = blocking(schemalint.check(source, target=target))
            outcome, after, data = ("refused" if blocked else "accepted"), [], None
        with stderr_lines():  # xgrammar's C++ warnings, kept off the table
            said = real(compiled(source))
            said_after = real(compiled(data)) if data is not None and not after else ""
        static = "accepted" if outcome == "accepted" else "refused"
        if (static == "accepted") == (said == ""):
            agree += 1
        else:
            disagreements.append((label, static, said))
        if data is not None and not after:
            rewritten += 1
            rewritten_accepted += said_after == ""
    return {
        "schemas": len(sources),
        "agree": agree,
        "disagreements": disagreements,
        "rewritten": rewritten,
        "rewritten_accepted": rewritten_accepted,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks/results/targets.json")
    parser.add_argument("--doc", type=Path, default=ROOT / "docs/targets.md")
    arguments = parser.parse_args()
    sources = inputs(arguments.corpus)
    data: dict[str, Any] = {"schemas": sum(label.startswith("glaive/") for label, _ in sources)}
    data["targets"] = {}
    for target in TARGETS:
        outcomes: Counter[str] = Counter()
        refused_for: Counter[str] = Counter()
        left_after: Counter[str] = Counter()
        not_rewritable: dict[str, list[str]] = {}
        dropping = 0
        for label, source in sources:
            outcome, before, after, dropped, _ = judge(source, target)
            dropping += dropped
            outcomes[outcome] += 1
            refused_for.update(before)
            left_after.update(after)
            if outcome == "not rewritable":
                not_rewritable[label] = after
        data["targets"][target] = {
            "outcomes": dict(outcomes),
            "refused_for": dict(refused_for.most_common()),
            "left_after": dict(left_after.most_common()),
            "not_rewritable": not_rewritable,
            "dropping": dropping,
        }
        print(f"{target:<10} {dict(outcomes)}")
    data["agreement"] = {target: agreement(sources, target) for target in REAL}
    suite = suite_sources()
    data["suite_agreement"] = {target: agreement(suite, target, False) for target in REAL}
    for name in ("agreement", "suite_agreement"):
        for target, row in data[name].items():
            print(f"{name} {target:<10} {row['agree']}/{row['schemas']}")
    data["ms_per_schema"] = timing(sources)
    print(f"ms per schema: {data['ms_per_schema']}")
    arguments.out.parent.mkdir(parents=True, exist_ok=True)
    arguments.out.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    arguments.doc.write_text(render(data), encoding="utf-8")


if __name__ == "__main__":
    main()
