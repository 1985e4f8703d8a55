"""`check --measure --engine`: the same walks through xgrammar and llguidance beside LMFE, on
the real engines and the real Mistral v1 tokenizer (each engine's tests skip, with the reason,
when its wheel is not installed)."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
import time
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from schemalint.analysis import analyse
from schemalint.cli import app
from schemalint.config import Settings
from schemalint.engine import check_file
from schemalint.engines import LMFE_SLOW_MS, UnknownEngine, load_engine, parse_engines
from schemalint.engines.base import Mask
from schemalint.lmfe import detect_settings
from schemalint.load.kinds import normalise
from schemalint.measure.compare import ComparingProber, Comparison, EngineProber, EngineRun
from schemalint.measure.probe import MeasureSettings
from schemalint.rewriting.engine import unsafe_rewrite
from schemalint.tokenizers import load_tokenizer
from tests.conftest import SAMPLES

runner = CliRunner()
PATHOLOGICAL = SAMPLES / "pathological"
OTHER_ENGINES = ["xgrammar", "llguidance"]
#: outlines-core builds a regex index: seconds to compile the pattern and seed samples.
INDEXED_ENGINES = [*OTHER_ENGINES, "outlines"]


def installed(name: str) -> Any:
    return pytest.mark.skipif(
        importlib.util.find_spec(name) is None,
        reason=f"{name} is not installed here: pip install 'schemalint[engines]'",
    )


@cache
def prober(name: str) -> EngineProber:
    """One prepared prober per engine for the whole module (tokenizer set-up is the slow part)."""
    engine = EngineProber(
        MeasureSettings(budget=10.0, step_budget=2.0, random_walks=1), load_engine(name)
    )
    engine.prepare()
    return engine


def run(name: str, schema: Any, instance: Any = None) -> EngineRun:
    """Measure ``schema`` with one engine: its generated instance (or ``instance``), one random
    walk."""
    analysis = analyse(normalise(schema).schema, detect_settings("0.11.3", False))
    engine = prober(name)
    engine.fixed_instances = None if instance is None else [("given", instance)]
    measurement = engine.measure(analysis)
    compiled = measurement.compile_seconds
    return EngineRun(
        name, compile_seconds=min(compiled) if compiled else None, measurement=measurement
    )


def pathological(stem: str) -> Any:
    return json.loads((PATHOLOGICAL / f"{stem}.json").read_text(encoding="utf-8"))


def test_engine_names_parse_in_registry_order_and_all_means_every_engine() -> None:
    assert parse_engines("llguidance, LMFE") == ["lmfe", "llguidance"]
    assert parse_engines("all") == ["lmfe", "xgrammar", "llguidance", "outlines"]
    with pytest.raises(UnknownEngine, match="formatron"):
        parse_engines("formatron")


def test_every_tokenizer_gives_each_token_its_bytes() -> None:
    pieces = load_tokenizer().token_bytes()
    assert len(pieces) == 32_000
    assert pieces[:3] == [b"", b"", b""]  # <unk>, <s>, </s>
    assert pieces[3] == b"\x00"  # byte fallback <0x00>
    space_token = load_tokenizer().encode("a b")[-1]
    assert pieces[space_token] == b" b"


@pytest.mark.parametrize(
    "name",
    [
        pytest.param(n, marks=installed("outlines_core" if n == "outlines" else n))
        for n in INDEXED_ENGINES
    ],
)
def test_an_engine_writes_the_free_dict_that_lmfe_cannot(name: str) -> None:
    measured = run(name, pathological("free_dict"))
    assert measured.correct, measured.to_json()
    assert measured.compile_seconds is not None
    assert measured.worst_ms is not None and measured.worst_ms < 50


@pytest.mark.parametrize("name", [pytest.param(n, marks=installed(n)) for n in OTHER_ENGINES])
@pytest.mark.parametrize("stem", ["pattern_strings", "enum_or_free_string"])
def test_shapes_that_take_lmfe_seconds_take_an_engine_milliseconds(name: str, stem: str) -> None:
    """xgrammar 0.2.8 takes 10-30 ms a step after a string bounded by a pattern's {1,200}
    (``requested_action``); its other steps, and llguidance's, take well under 1 ms."""
    measured = run(name, pathological(stem))
    assert not measured.over_budget()
    assert measured.worst_ms is not None and measured.worst_ms < LMFE_SLOW_MS, measured.to_json()


@installed("xgrammar")
def test_xgrammar_rejects_an_escaped_quote_in_a_length_bounded_string() -> None:
    """xgrammar 0.2.8: a string with maxLength refuses ``\\"`` — a valid instance it cannot
    write; llguidance writes it."""
    schema = {
        "type": "object",
        "properties": {"note": {"type": "string", "maxLength": 200}},
        "required": ["note"],
    }
    instance = {"note": 'she said "call me"'}
    assert run("xgrammar", schema, instance).dead_ends()
    assert not run("llguidance", schema, instance).dead_ends()


def compile_warnings_found(tmp_path: Path, schema: Any) -> tuple[list[Any], Any]:
    """``check --measure --engine xgrammar`` on ``schema``: SM503's compile-warning findings
    and xgrammar's row of the comparison."""
    path = tmp_path / "schema.json"
    path.write_text(json.dumps(schema), encoding="utf-8")
    arguments = ["check", "--measure", "--engine", "xgrammar", "--budget", "8", "-f", "json"]
    report = json.loads(runner.invoke(app, [*arguments, str(path)]).stdout)["files"][0]
    found = [f for f in report["findings"] if f["code"] == "SM503" and "warning" in f["evidence"]]
    (xgrammar,) = report["measurement"]["engine_comparison"]["engines"]
    return found, xgrammar


@installed("xgrammar")
def test_what_an_engine_says_it_ignores_when_compiling_is_a_finding_at_that_pattern(
    tmp_path: Path,
) -> None:
    schema = {
        "type": "object",
        "properties": {"code": {"type": "string", "pattern": "^(?=.*x)[a-z]+$"}},
        "required": ["code"],
    }
    ignored, xgrammar = compile_warnings_found(tmp_path, schema)
    assert len(ignored) == 1, "each distinct warning once, however many walks compiled"
    assert ignored[0]["pointer"] == "/properties/code"
    assert "Lookahead assertion is not supported" in ignored[0]["message"]
    assert xgrammar["compile_warnings"] and not xgrammar["correct"]


@installed("xgrammar")
def test_a_warning_naming_keywords_points_at_the_subschema_that_combines_them(
    tmp_path: Path,
) -> None:
    schema = {
        "type": "object",
        "properties": {
            "name": {"type": "string", "maxLength": 20},
            "email": {"type": "string", "format": "email", "maxLength": 50},
        },
        "required": ["name", "email"],
    }
    (ignored,), _ = compile_warnings_found(tmp_path, schema)
    assert "format combined with minLength/maxLength" in ignored["message"]
    assert ignored["pointer"] == "/properties/email"


def test_a_missing_engine_is_skipped_with_its_install_hint_never_an_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from importlib import metadata

    real = metadata.version

    def missing(name: str) -> str:
        if name == "llguidance":
            raise metadata.PackageNotFoundError(name)
        return real(name)

    monkeypatch.setattr(metadata, "version", missing)
    probe = ComparingProber(MeasureSettings(budget=5.0, random_walks=0), ["lmfe", "llguidance"])
    probe.prepare()
    report = check_file(PATHOLOGICAL / "free_dict.json", Settings(), probe)
    assert report.measurement is not None and report.measurement.engines is not None
    skipped = report.measurement.engines.to_json()["engines"][1]
    assert skipped == {
        "engine": "llguidance",
        "skipped": "llguidance is not installed: pip install 'schemalint[engines]'",
    }


class Measured(EngineRun):
    """An engine run with given step times and correctness, for the recommendation alone."""

    def __init__(self, name: str, times: list[float], correct: bool) -> None:
        super().__init__(name)
        self.times, self.is_correct = times, correct

    def step_ms(self) -> list[float]:
        return self.times

    @property
    def correct(self) -> bool:
        return self.is_correct


def test_the_recommendation_names_the_fastest_correct_engine_and_the_lmfe_way_out() -> None:
    comparison = Comparison(
        [
            Measured("lmfe", [1.0, 3000.0], correct=False),
            Measured("xgrammar", [0.01, 0.9], correct=False),
            Measured("llguidance", [0.02, 0.15], correct=True),
        ]
    )
    line = comparison.recommendation()
    assert line.startswith("use llguidance: fastest of the engines that were correct")
    assert "schemalint rewrite --measure --unsafe-fixes" in line


def test_when_lmfe_fails_the_comparison_measures_lmfe_on_the_unsafe_rewrite() -> None:
    schema = json.loads((PATHOLOGICAL / "free_dict.json").read_text(encoding="utf-8"))
    settings = MeasureSettings(budget=8.0, step_budget=2.0)
    comparing = ComparingProber(settings, ["lmfe"], rewrite=unsafe_rewrite)
    comparing.prepare()
    measurement = comparing.measure(analyse(schema, detect_settings("0.11.3", False)))
    comparison = measurement.engines
    assert comparison is not None and comparison.lmfe_rewritten is not None
    assert not comparison.runs[0].correct  # LMFE stops silently inside the free dict
    assert comparison.lmfe_rewritten.run.correct  # and writes it once the rewrite drops `true`
    line = comparison.recommendation()
    rewrite = "`schemalint rewrite --unsafe-fixes` (1 change: drop-noop-keywords)"
    assert f"{rewrite} takes its worst step from" in line
    rewritten = comparison.to_json()["lmfe_rewritten"]
    assert rewritten["correct"] and rewritten["rewrites"] == {"drop-noop-keywords": 1}


@installed("llguidance")
def test_check_measure_engine_prints_the_side_by_side_table_and_json() -> None:
    arguments = ["check", "--measure", "--engine", "lmfe,llguidance", "--budget", "8"]
    path = str(PATHOLOGICAL / "free_dict.json")
    text = runner.invoke(app, [*arguments, "--step-budget", "2", path])
    assert "engines, same walks" in text.stdout and "recommendation: use llguidance" in text.stdout
    result = runner.invoke(app, [*arguments, "--step-budget", "2", "-f", "json", path])
    comparison = json.loads(result.stdout)["files"][0]["measurement"]["engine_comparison"]
    assert [e["engine"] for e in comparison["engines"]] == ["lmfe", "llguidance"]
    assert comparison["engines"][0]["dead_ends"] and comparison["engines"][1]["correct"]


@installed("xgrammar")
def test_compile_budget_bounds_how_long_an_engine_may_compile() -> None:
    # xgrammar 0.2.8 takes seconds to compile a string with a large maxLength.
    path = PATHOLOGICAL / "reason_maxlength_one_branch.json"
    arguments = ["check", "--measure", "--engine", "xgrammar", "-f", "json", str(path)]
    started = time.perf_counter()
    budgets = ["--budget", "6", "--step-budget", "0.2", "--compile-budget", "0.3"]
    result = runner.invoke(app, [*arguments, *budgets])
    assert time.perf_counter() - started < 20
    findings = json.loads(result.stdout)["files"][0]["findings"]
    over_budget = [f for f in findings if f["code"] == "SM504"]
    assert len(over_budget) == 1, "one finding for the compile, however many walks it stalled"
    assert "compile abandoned" in over_budget[0]["message"]


def test_an_unknown_engine_is_a_usage_error() -> None:
    result = runner.invoke(app, ["check", "--measure", "--engine", "nope", str(SAMPLES)])
    assert result.exit_code == 2


def test_check_without_measure_imports_no_engine() -> None:
    code = (
        "import sys; from schemalint.cli import app\n"
        "try: app(['check', 'samples/mcp_tools.json'])\n"
        "except SystemExit: pass\n"
        "heavy = {'torch', 'xgrammar', 'llguidance', 'lmformatenforcer'} & set(sys.modules)\n"
        "assert not heavy, heavy"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=Path(__file__).parents[2])


class _Ready:
    """A matcher that allows token 5 at every step: the warm-up's."""

    def fill(self) -> None:
        pass

    def mask(self) -> Mask:
        return Mask(ids=[5])

    def advance(self, token: int) -> bool:
        return True

    def problem(self) -> str:
        return ""


class _Stalling(_Ready):
    """A fourth engine in a few lines: its first mask for the schema walked never comes (the
    worker's warm-up, on a throwaway grammar, gets one at once)."""

    name = "stalling"
    install_hint = ""

    def version(self) -> str:
        return "0"

    def prepare(self, tokenizer: Any) -> Any:
        return None

    def forget(self, prepared: Any) -> None:
        pass

    def compile(self, schema: Any, prepared: Any) -> Any:
        return self if schema == {"type": "string"} else _Ready()

    def fill(self) -> None:
        time.sleep(60)


class _SlowCompile(_Stalling):
    """An engine whose compile never ends."""

    name = "slow-compile"

    def compile(self, schema: Any, prepared: Any) -> Any:
        time.sleep(60)


def test_a_compile_that_never_ends_is_reported_as_a_compile_even_without_an_allowance() -> None:
    settings = MeasureSettings(budget=5.0, step_budget=0.3, random_walks=2, compile_budget=0.0)
    engine = EngineProber(settings, _SlowCompile())
    analysis = analyse(normalise({"type": "string"}).schema, detect_settings("0.11.3", False))
    run = EngineRun("slow-compile", "0", measurement=engine.measure(analysis))
    assert run.measurement is not None
    (walk,) = run.measurement.walks  # the random walks would compile the same schema: skipped
    assert walk.detail.startswith("compile abandoned after 0.3")
    assert run.compile_over_budget() and run.step_ms() == []


def test_an_engine_step_is_abandoned_at_the_same_step_budget_as_lmfe() -> None:
    settings = MeasureSettings(budget=5.0, step_budget=0.3, random_walks=0)
    engine = EngineProber(settings, _Stalling())
    analysis = analyse(normalise({"type": "string"}).schema, detect_settings("0.11.3", False))
    started = time.perf_counter()
    walk = engine.measure(analysis).walks[0]
    assert (walk.outcome, walk.detail[:15]) == ("step-budget", "step abandoned ")
    assert walk.compile_seconds is not None and time.perf_counter() - started < 3


class _StallsAtTheThirdStep(_Stalling):
    """An engine that allows every token, and whose third mask for the schema walked never
    comes."""

    def __init__(self) -> None:
        self.fills = 0

    def fill(self) -> None:
        self.fills += 1
        if self.fills == 3:
            time.sleep(60)

    def mask(self) -> Mask:
        return Mask(ids=list(range(32_000)))


def test_a_walk_abandoned_at_a_step_keeps_every_step_written_before_it() -> None:
    """The worker logs steps in shared memory and nudges the caller only now and then: the
    caller reads the log when a step runs long, so the two steps before the stall are kept."""
    settings = MeasureSettings(budget=8.0, step_budget=0.5, random_walks=0)
    prober = EngineProber(settings, _StallsAtTheThirdStep())
    prober.fixed_instances = [("given", "a long enough string")]
    analysis = analyse(normalise({"type": "string"}).schema, detect_settings("0.11.3", False))
    (walk,) = prober.measure(analysis).walks
    assert walk.outcome == "step-budget" and walk.detail.startswith("step abandoned")
    assert len(walk.steps) == 2 and walk.stuck is not None
    assert walk.stuck.step.offset == sum(s.step.length for s in walk.steps)
