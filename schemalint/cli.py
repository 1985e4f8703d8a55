"""The command line: thin Typer commands that build settings and call the library."""

from __future__ import annotations

import atexit
import contextlib
import errno
import functools
import os
import sys
import time
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, TypeVar, cast

import typer

from schemalint import __version__
from schemalint.cli_output import Color, Group, OutputError
from schemalint.cli_progress import live, print_before_after, progress_bar
from schemalint.cli_sources import (
    LiveSources,
    McpConfig,
    McpStdio,
    McpUrl,
    PythonObjects,
    PythonPath,
    SourceTimeout,
    SourceUsageError,
)
from schemalint.targets import TARGETS

Command = TypeVar("Command", bound=Callable[..., None])


def _internal_errors(command: Command) -> Command:
    """An exception escaping a command is a bug of schemalint's: one line on stderr, the trace
    in a file, and exit code 2 (ruff's), never 1, which means findings, and never 0, whatever
    ``--exit-zero`` says."""

    @functools.wraps(command)
    def guarded(*args: Any, **kwargs: Any) -> None:
        try:
            command(*args, **kwargs)
        except (typer.Exit, typer.Abort):
            raise
        except Exception as error:
            if isinstance(error, OSError) and error.errno == errno.EPIPE:
                raise  # the reader of stdout went away (`| head`): Typer exits quietly
            _report_internal_error(error)
            raise typer.Exit(2) from None

    return cast(Command, guarded)


def _report_internal_error(error: Exception) -> None:
    import platform
    import tempfile
    import traceback

    from schemalint.model import shorten

    where = "the trace could not be written"
    with (
        contextlib.suppress(OSError),
        tempfile.NamedTemporaryFile(
            "w", encoding="utf-8", prefix="schemalint-crash-", suffix=".txt", delete=False
        ) as trace,
    ):
        trace.write(f"schemalint {__version__}, Python {platform.python_version()}, ")
        trace.write(f"{platform.platform()}\n\n{''.join(traceback.format_exception(error))}")
        where = f"full trace in {trace.name}"
    typer.echo(
        f"schemalint: internal error: {type(error).__name__}: {shorten(str(error))} "
        f"({where}); please report it",
        err=True,
    )


class _Typer(typer.Typer):
    """Registers every command guarded by ``_internal_errors``, so none can go without."""

    def command(self, *args: Any, **kwargs: Any) -> Callable[[Command], Command]:
        register = super().command(*args, **kwargs)

        def decorator(command: Command) -> Command:
            register(_internal_errors(command))
            return command

        return decorator


app = _Typer(
    name="schemalint",
    help="Find, measure and fix the JSON-Schema shapes that make constrained decoding slow.",
    cls=Group,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    # Click's plain help: rich's option table cuts long option names and help at 80 columns.
    rich_markup_mode=None,
)


class OutputFormat(StrEnum):
    text = "text"
    concise = "concise"
    json = "json"
    sarif = "sarif"
    github = "github"
    markdown = "markdown"


class Level(StrEnum):
    info = "info"
    low = "low"
    medium = "medium"
    high = "high"
    critical = "critical"


def _fail(message: str) -> typer.Exit:
    typer.echo(f"schemalint: error: {message}", err=True)
    return typer.Exit(2)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"schemalint {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    """schemalint: lint LLM tool schemas for constrained-decoding speed and correctness."""


@app.command()
def check(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(help="Schema files or folders (JSON, YAML); - for stdin."),
    ] = None,
    output_format: Annotated[
        OutputFormat, typer.Option("--output-format", "--format", "-f", help="Output format.")
    ] = OutputFormat.text,
    output_file: Annotated[
        Path | None,
        typer.Option(help="Write the report to this file (atomically) instead of stdout."),
    ] = None,
    statistics: Annotated[
        bool, typer.Option("--statistics", help="Count the findings per rule instead.")
    ] = False,
    show_fixes: Annotated[
        bool, typer.Option("--show-fixes", help="Show each finding's fix (text, concise).")
    ] = False,
    stdin_filename: Annotated[
        str | None,
        typer.Option(help="The name of the document read from -; its suffix picks JSON or YAML."),
    ] = None,
    color: Annotated[
        Color, typer.Option(help="Colour text and concise output (auto: on a terminal).")
    ] = Color.auto,
    fail_on: Annotated[
        Level | None,
        typer.Option(help="Exit 1 if a finding is at least this severe (default: high)."),
    ] = None,
    exit_zero: Annotated[
        bool, typer.Option("--exit-zero", help="Always exit 0 on findings.")
    ] = False,
    select: Annotated[
        str | None, typer.Option(help="Comma-separated rule code prefixes to enable.")
    ] = None,
    ignore: Annotated[
        str | None, typer.Option(help="Comma-separated rule code prefixes to disable.")
    ] = None,
    config: Annotated[
        Path | None, typer.Option(help="pyproject.toml to read [tool.schemalint] from.")
    ] = None,
    lmfe_version: Annotated[
        str | None, typer.Option(help="Judge against this LMFE version (default: installed).")
    ] = None,
    jobs: Annotated[
        int | None,
        typer.Option("--jobs", "-j", min=1, help="Processes for many files (default: CPUs)."),
    ] = None,
    strict_field_order: Annotated[
        bool | None,
        typer.Option(
            "--strict-field-order/--no-strict-field-order",
            help="Assume LMFE_STRICT_JSON_FIELD_ORDER (default: from the environment).",
        ),
    ] = None,
    measure: Annotated[
        bool, typer.Option("--measure", help="Also drive the real enforcer with a real tokenizer.")
    ] = False,
    tokenizer: Annotated[
        str,
        typer.Option(
            help="mistral-v1, mistral-v3, tekken, or a tokenizer.json / .model / model folder."
        ),
    ] = "mistral-v1",
    budget: Annotated[
        float, typer.Option(min=0.1, help="Seconds for measuring one file, set-up included.")
    ] = 30.0,
    step_budget: Annotated[
        float, typer.Option(min=0.01, help="Seconds one enforcer step may take.")
    ] = 3.0,
    compile_budget: Annotated[
        float,
        typer.Option(min=0.0, help="Extra seconds an --engine may take to compile the schema."),
    ] = 10.0,
    instance: Annotated[
        Path | None, typer.Option(help="Instances to walk, one JSON per line (default: generated).")
    ] = None,
    seed: Annotated[int, typer.Option(help="Seed of the generated instance.")] = 0,
    no_cache: Annotated[
        bool, typer.Option("--no-cache", help="Rebuild LMFE's tokenizer data, skip the disk cache.")
    ] = False,
    max_consecutive_whitespaces: Annotated[
        int | None,
        typer.Option(help="LMFE option (default: LMFE_MAX_CONSECUTIVE_WHITESPACES or 12)."),
    ] = None,
    html_report: Annotated[
        Path | None,
        typer.Option("--report", help="Also write a self-contained HTML report to this file."),
    ] = None,
    max_json_array_length: Annotated[
        int | None,
        typer.Option(help="LMFE option (default: LMFE_MAX_JSON_ARRAY_LENGTH or 20)."),
    ] = None,
    engine: Annotated[
        str,
        typer.Option(
            help="With --measure: engines to compare, from lmfe, xgrammar, llguidance, outlines, "
            "or all (each gets --budget; a missing one is skipped)."
        ),
    ] = "lmfe",
    baseline_ref: Annotated[
        str | None,
        typer.Option(
            help="Compare with the files at this git ref: only new findings and risk rises fail."
        ),
    ] = None,
    baseline: Annotated[
        Path | None,
        typer.Option(help="Compare with an earlier `check --format json` report instead."),
    ] = None,
    fail_on_risk_rise: Annotated[
        bool,
        typer.Option(
            "--fail-on-risk-rise/--no-fail-on-risk-rise",
            help="Against a baseline, exit 1 when a file's risk level rises.",
        ),
    ] = True,
    fail_on_slower: Annotated[
        bool,
        typer.Option(
            "--fail-on-slower/--no-fail-on-slower",
            help="Against a baseline with --measure, exit 1 when a file's (or a tool's) worst "
            "step rises to LMFE's slow threshold (LMFE_SLOW_MS) or past it.",
        ),
    ] = False,
    mcp_stdio: McpStdio = None,
    mcp_url: McpUrl = None,
    mcp_config: McpConfig = None,
    python: PythonObjects = None,
    python_path: PythonPath = None,
    source_timeout: SourceTimeout = 20.0,
    target: Annotated[
        str | None,
        typer.Option(
            help=f"Judge for these targets (comma list): {', '.join(TARGETS)} "
            "(default: lmfe, or `target` in config)."
        ),
    ] = None,
) -> None:
    """Lint schemas and tool lists; exit 1 on findings at or above --fail-on (against a
    baseline: on new ones)."""
    from schemalint.cli_output import check_stdin, check_stdin_use, emit, writable
    from schemalint.config import ConfigError, SettingsFinder, parse_codes
    from schemalint.engine import PathNotFound, Report, check_document, check_paths
    from schemalint.model import SetupError, Severity
    from schemalint.report import Options

    if baseline_ref is not None and baseline is not None:
        raise _fail("use either --baseline-ref or --baseline, not both")
    paths = paths or []
    sources = _live_sources(mcp_stdio, mcp_url, mcp_config, python, python_path, source_timeout)
    if not paths and not sources:
        raise _fail("give a schema file or folder, or a source: --mcp-stdio, --mcp-url, ...")
    if sources and baseline_ref is not None:
        raise _fail("--baseline-ref reads files from git; compare a live source with --baseline")
    try:
        stdin = check_stdin_use(paths, stdin_filename)
        if stdin and (baseline_ref is not None or baseline is not None):
            raise OutputError("stdin (`-`) has no baseline to compare with")
        if output_file is not None:
            writable(output_file)
    except OutputError as error:
        raise _fail(str(error)) from None
    try:
        finder = SettingsFinder(
            config,
            select=parse_codes(select, "--select") if select else None,
            ignore=parse_codes(ignore, "--ignore") if ignore else None,
            fail_on=Severity.parse(fail_on.value) if fail_on else None,
            lmfe_version=lmfe_version,
            strict_field_order=strict_field_order,
            targets=_targets(target),
        )
        settings = finder.default
        prober, progress = None, None
        if measure:
            from schemalint.measure.probe import MeasureSettings, enforcer_config

            progress = progress_bar()
            prober = _measuring_prober(
                engine,
                MeasureSettings(
                    tokenizer=tokenizer,
                    budget=budget,
                    step_budget=step_budget,
                    compile_budget=compile_budget,
                    started=_COMMAND_STARTED or time.perf_counter(),
                    use_cache=not no_cache,
                    instances=instance,
                    seed=seed,
                    config=enforcer_config(
                        strict_field_order, max_consecutive_whitespaces, max_json_array_length
                    ),
                ),
                progress,
            )
            prober.prepare(wait=False)  # the first measurement waits while its budget lasts
        try:
            with live(progress):
                if stdin:
                    named = finder(Path(stdin_filename or "-"))
                    report = Report([check_stdin(stdin_filename, named, prober)])
                else:
                    report = check_paths(paths, finder, jobs, prober) if paths else Report([])
                if sources:
                    documents, report.errors = _gather(sources, finder)
                    report.files += [check_document(doc, named, prober) for doc, named in documents]
                if baseline_ref is not None or baseline is not None:
                    # Still measuring: the old contents go through the same prober.
                    report = _against_baseline(
                        report, paths, baseline_ref, baseline, settings, prober
                    )
        finally:
            if prober is not None:
                prober.close()
    except (ConfigError, PathNotFound) as error:
        raise _fail(str(error)) from None
    except SetupError as error:  # a tokenizer or --instance file that cannot be used
        raise _fail(str(error)) from None
    if not report.files and not report.errors:
        skipped = f" ({report.skipped_note()})" if report.skipped else ""
        raise _fail(f"no schema files found{skipped}")
    try:
        options = Options(show_fixes=show_fixes, color=color.forced)
        emit(report, output_format.value, options, statistics, output_file)
    except OutputError as error:
        raise _fail(str(error)) from None
    if html_report is not None:
        from schemalint.report.html import write_html

        try:
            write_html(report, html_report)
        except OSError as error:
            raise _fail(f"{html_report}: cannot write report: {error.strerror or error}") from None
    from schemalint.engines import LMFE_SLOW_MS

    slow_ms = LMFE_SLOW_MS if fail_on_slower else None
    code = report.exit_code(settings.fail_on, fail_on_risk_rise, slow_ms)
    if report.errors:  # a source that could not be read: the report is incomplete
        raise typer.Exit(2)
    raise typer.Exit(0 if exit_zero else code)


def _targets(text: str | None) -> tuple[str, ...] | None:
    from schemalint.targets import UnknownTarget, parse_targets

    try:
        return parse_targets(text) if text is not None else None
    except UnknownTarget as error:
        raise _fail(str(error)) from None


def _live_sources(*options: Any) -> LiveSources:
    try:
        return LiveSources.of(*options)
    except SourceUsageError as error:
        raise _fail(str(error)) from None


def _gather(sources: LiveSources, finder: Any) -> Any:
    try:
        return sources.gather(finder)
    except SourceUsageError as error:
        raise _fail(str(error)) from None


def _against_baseline(
    report: Any,
    paths: list[Path],
    ref: str | None,
    saved: Path | None,
    settings: Any,
    prober: Any = None,
) -> Any:
    """``report`` with each finding classified new, unchanged or fixed; with a ``prober``,
    the old contents at ``ref`` are measured the same way."""
    from schemalint.baseline import BaselineError
    from schemalint.baseline.compare import compare
    from schemalint.baseline.sources import from_ref, from_report

    try:
        if ref is not None:
            return compare(report, from_ref(paths, report, ref, settings, prober))
        assert saved is not None
        return compare(report, from_report(paths, report, saved))
    except BaselineError as error:
        raise _fail(str(error)) from None


@app.command()
def rewrite(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(help="Schemas or tools lists (JSON, YAML), or folders."),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Write the result to this file (one input only)."),
    ] = None,
    in_place: Annotated[
        bool, typer.Option("--in-place", help="Replace each input file (atomically).")
    ] = False,
    diff: Annotated[
        bool, typer.Option("--diff", help="Print a unified diff per file instead.")
    ] = False,
    check_only: Annotated[
        bool, typer.Option("--check", help="Write nothing; exit 1 if a rewrite would change one.")
    ] = False,
    unsafe_fixes: Annotated[
        bool,
        typer.Option("--unsafe-fixes", help="Also apply rewrites that change what is accepted."),
    ] = False,
    select: Annotated[
        str | None, typer.Option(help="Rule code prefixes whose rewrites run.")
    ] = None,
    ignore: Annotated[
        str | None, typer.Option(help="Rule code prefixes whose rewrites don't.")
    ] = None,
    config: Annotated[
        Path | None, typer.Option(help="pyproject.toml with [tool.schemalint].")
    ] = None,
    lmfe_version: Annotated[str | None, typer.Option(help="LMFE version to rewrite for.")] = None,
    strict_field_order: Annotated[
        bool | None, typer.Option("--strict-field-order/--no-strict-field-order")
    ] = None,
    measure: Annotated[
        bool, typer.Option("--measure", help="Measure before and after with the real enforcer.")
    ] = False,
    budget: Annotated[float, typer.Option(min=0.1, help="Seconds per measurement.")] = 30.0,
    instance: Annotated[
        Path | None,
        typer.Option(
            help="With --measure: instances of the original to walk before and (mapped forward) "
            "after, one JSON per line (default: one generated)."
        ),
    ] = None,
    mcp_stdio: McpStdio = None,
    mcp_url: McpUrl = None,
    mcp_config: McpConfig = None,
    python: PythonObjects = None,
    python_path: PythonPath = None,
    source_timeout: SourceTimeout = 20.0,
    target: Annotated[
        str | None,
        typer.Option(
            help=f"Rewrite for these targets ({', '.join(TARGETS)}): with --unsafe-fixes, "
            "what makes each accept the schema."
        ),
    ] = None,
) -> None:
    """Rewrite schemas so that they are fast to enforce; safe rewrites by default."""
    from schemalint.config import ConfigError, SettingsFinder, parse_codes
    from schemalint.engine import PathNotFound, find_files
    from schemalint.rewriting.files import (
        ONE_FILE_ONLY,
        Output,
        RewriteRun,
        rewrite_documents,
        rewrite_files,
    )

    if in_place and output is not None:
        raise _fail("use either --in-place or --output, not both")
    paths = paths or []
    sources = _live_sources(mcp_stdio, mcp_url, mcp_config, python, python_path, source_timeout)
    if not paths and not sources:
        raise _fail("give a schema file or folder, or a source: --mcp-stdio, --mcp-url, ...")
    if sources and (paths or in_place):
        raise _fail("rewrite a source (--mcp-*, --python) alone, to stdout or --output")
    if instance is not None and not measure:
        raise _fail("--instance needs --measure")
    mode = Output.chosen(check_only, diff, in_place, output is not None)
    try:
        finder = SettingsFinder(
            config,
            select=parse_codes(select, "--select") if select else None,
            ignore=parse_codes(ignore, "--ignore") if ignore else None,
            lmfe_version=lmfe_version,
            strict_field_order=strict_field_order,
            targets=_targets(target),
        )
        settings = finder.default
        found = list(find_files(paths, finder))
    except (ConfigError, PathNotFound) as error:
        raise _fail(str(error)) from None
    documents, errors = _gather(sources, finder) if sources else ([], [])
    if len(documents) > 1 and mode in ONE_FILE_ONLY:
        raise _fail(f"{len(documents)} sources cannot all go to one output: use --diff or --check")
    files = [path for path, _ in found]
    if len(files) > 1 and mode in ONE_FILE_ONLY:
        where = "--output" if mode is Output.FILE else "stdout"
        raise _fail(
            f"{len(files)} files cannot all go to {where}: use --in-place, --diff or --check"
        )
    prober = _rewrite_prober(budget, instance, settings.strict_field_order) if measure else None
    run = RewriteRun(
        settings,
        unsafe_fixes,
        mode,
        target=output,
        judge=_measured_judge(prober, settings) if prober and unsafe_fixes else None,
        measured=functools.partial(
            print_before_after, settings=settings, prober=prober, named=len(files) > 1
        )
        if prober is not None
        else None,
    )
    try:
        if sources:
            code = rewrite_documents([doc for doc, _ in documents], run, sys.stdout, sys.stderr)
            code = 2 if errors else code
        else:
            walked = {path for path, was_walked in found if was_walked}
            code = rewrite_files(files, run, sys.stdout, sys.stderr, walked)
    finally:
        if prober is not None:
            prober.close()
    raise typer.Exit(code)


def _measuring_prober(engine: str, settings: Any, progress: Any) -> Any:
    from schemalint.api import measuring_prober
    from schemalint.engines import UnknownEngine

    try:
        return measuring_prober(engine, settings, progress)
    except UnknownEngine as error:
        raise _fail(str(error)) from None


def _rewrite_prober(budget: float, instances: Path | None, strict_field_order: bool | None) -> Any:
    """LMFE configured as the rewrite assumes generation runs (strict field order or not)."""
    from schemalint.measure.probe import MeasureSettings, Prober, enforcer_config
    from schemalint.model import SetupError

    config = enforcer_config(strict_field_order)
    try:
        # No random walks: their findings vary with the sampled text, not with the rewrite.
        prober = Prober(
            MeasureSettings(budget=budget, random_walks=0, instances=instances, config=config)
        )
        prober.prepare()
    except SetupError as error:
        raise _fail(str(error)) from None
    return prober


def _measured_judge(prober: Any, settings: Any) -> Any:
    from schemalint.lmfe import detect_settings
    from schemalint.rewriting.measured import MeasuredJudge

    return MeasuredJudge(
        prober, detect_settings(settings.lmfe_version, settings.strict_field_order)
    )


@app.command("restore")
def restore_output(
    output: Annotated[Path, typer.Argument(help="Output generated with the rewritten schema.")],
    schema: Annotated[Path, typer.Option("--schema", help="The original schema.")],
) -> None:
    """Map output generated with a rewritten tool-call schema back to the original's shape."""
    import json

    from schemalint.config import Settings
    from schemalint.load.reader import read_document
    from schemalint.model import LoadError
    from schemalint.rewriting.restore import restore

    loaded = [read_document(schema), read_document(output)]
    for item in loaded:
        if isinstance(item, LoadError):
            where = f":{item.position.line}:{item.position.column}" if item.position else ""
            raise _fail(f"{item.path}{where}: {item.message}")
    original, generated = (item.data for item in loaded)  # type: ignore[union-attr]
    typer.echo(json.dumps(restore(original, generated, Settings()), indent=2, ensure_ascii=False))


class RulesFormat(StrEnum):
    text = "text"
    json = "json"


@app.command("rules")
def list_rules(
    output_format: Annotated[
        RulesFormat, typer.Option("--output-format", "--format", "-f", help="Output format.")
    ] = RulesFormat.text,
) -> None:
    """List every rule with its code, name, default severity and fix availability."""
    from schemalint.docs import print_rules, rules_json

    if output_format is RulesFormat.json:
        import json

        typer.echo(json.dumps(rules_json(), indent=2))
        return
    from rich.console import Console

    print_rules(Console())


@app.command("rule")
def show_rule(code: Annotated[str, typer.Argument(help="Rule code, e.g. SL206.")]) -> None:
    """Print a rule's documentation page; its examples unwrapped, to copy."""
    from rich.console import Console

    from schemalint.docs import print_rule_page, rule_page

    page = rule_page(code.upper())
    if page is None:
        raise _fail(f"unknown rule {code!r} (see `schemalint rules`)")
    print_rule_page(page, Console())


class GenerateFormat(StrEnum):
    text = "text"
    json = "json"


class BackendChoice(StrEnum):
    auto = "auto"
    exllamav2 = "exllamav2"
    transformers = "transformers"


@app.command()
def generate(
    schema: Annotated[Path, typer.Argument(help="Schema or tools list (JSON or YAML).")],
    model: Annotated[Path, typer.Option(help="Local model folder (exllamav2 or transformers).")],
    prompt: Annotated[str | None, typer.Option(help="The prompt text.")] = None,
    prompt_file: Annotated[
        Path | None, typer.Option(help="Read the prompt from this file.")
    ] = None,
    backend: Annotated[
        BackendChoice, typer.Option(help="auto: exllamav2 with CUDA, else transformers.")
    ] = BackendChoice.auto,
    compare: Annotated[
        str, typer.Option(help="Variants to run: original, rewritten, unconstrained.")
    ] = "original,rewritten,unconstrained",
    two_phase: Annotated[
        bool, typer.Option("--two-phase", help="A free one-line thought first, then the call.")
    ] = False,
    max_new_tokens: Annotated[int, typer.Option(min=1, help="Token cap per generation.")] = 256,
    token_budget_ms: Annotated[
        float, typer.Option(min=1, help="Cancel a generation whose token takes longer.")
    ] = 2000.0,
    time_budget: Annotated[
        float, typer.Option(min=0.1, help="Seconds one variant's generation may take.")
    ] = 120.0,
    seed: Annotated[
        int | None, typer.Option(help="Sample with this seed (default: greedy decoding).")
    ] = None,
    max_consecutive_whitespaces: Annotated[
        int | None,
        typer.Option(help="LMFE option (default: LMFE_MAX_CONSECUTIVE_WHITESPACES or 12)."),
    ] = None,
    strict_field_order: Annotated[
        bool | None, typer.Option("--strict-field-order/--no-strict-field-order")
    ] = None,
    output_format: Annotated[
        GenerateFormat, typer.Option("--format", "-f", help="Output format.")
    ] = GenerateFormat.text,
) -> None:
    """Generate with the schema, its rewrite and no constraint; exit 1 if a budget cut one."""
    from schemalint.config import ConfigError, load_settings
    from schemalint.generate.report import RENDERERS, Streamer
    from schemalint.generate.run import GenerateSettings, load_backend, run_variants
    from schemalint.generate.variants import VARIANTS, build_variants
    from schemalint.load.kinds import NotASchema
    from schemalint.load.reader import read_document
    from schemalint.measure.probe import enforcer_config
    from schemalint.model import LoadError, SetupError

    if (prompt is None) == (prompt_file is None):
        raise _fail("give exactly one of --prompt and --prompt-file")
    if prompt_file is not None:
        try:
            prompt = prompt_file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise _fail(f"{prompt_file}: cannot read the prompt: {error}") from None
    names = tuple(name.strip() for name in compare.split(",") if name.strip())
    unknown = [name for name in names if name not in VARIANTS]
    if unknown or not names:
        raise _fail(f"--compare takes {', '.join(VARIANTS)}; got {compare!r}")
    document = read_document(schema)
    if isinstance(document, LoadError):
        where = f":{document.position.line}:{document.position.column}" if document.position else ""
        raise _fail(f"{document.path}{where}: {document.message}")
    settings = GenerateSettings(
        prompt=prompt or "",
        variants=names,
        two_phase=two_phase,
        max_new_tokens=max_new_tokens,
        token_budget=token_budget_ms / 1000,
        time_budget=time_budget,
        config=enforcer_config(strict_field_order, max_consecutive_whitespaces),
    )
    streamer = Streamer(sys.stderr) if output_format is GenerateFormat.text else None
    try:
        variants = build_variants(document, names, load_settings(), two_phase)
        chosen = load_backend(backend.value, model, seed)
        report = run_variants(chosen, variants, settings, streamer)
    except (ConfigError, NotASchema, SetupError) as error:
        raise _fail(str(error)) from None
    finally:
        if streamer is not None:
            streamer.end()
    RENDERERS[output_format.value](report, sys.stdout)
    raise typer.Exit(report.exit_code)


_COMMAND_STARTED: float | None = None
"""``time.perf_counter()`` at the start of the process that runs :func:`main`: measuring budgets
count from there. None when a command is called in-process (tests), long after that start."""


def main() -> None:
    """The console command. It ends with ``os._exit`` once its output is flushed: tearing the
    interpreter down frees LMFE's tokenizer data object by object, 2 s that no one waits for."""
    global _COMMAND_STARTED
    from schemalint.measure.clock import process_started

    _COMMAND_STARTED = process_started()
    try:
        app()
        code = 0
    except SystemExit as done:
        code = done.code if isinstance(done.code, int) else 0 if done.code is None else 1
        if isinstance(done.code, str):
            print(done.code, file=sys.stderr)
    atexit._run_exitfuncs()
    with contextlib.suppress(OSError, ValueError):
        sys.stdout.flush()
    with contextlib.suppress(OSError, ValueError):
        sys.stderr.flush()
    os._exit(code)
