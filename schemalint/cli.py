"""The command line: thin Typer commands that build settings and call the library."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from schemalint import __version__

app = typer.Typer(
    name="schemalint",
    help="Find, measure and fix the JSON-Schema shapes that make constrained decoding slow.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


class OutputFormat(StrEnum):
    text = "text"
    json = "json"
    sarif = "sarif"
    github = "github"


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
    paths: Annotated[list[Path], typer.Argument(help="Schema files or folders (JSON, YAML).")],
    output_format: Annotated[
        OutputFormat, typer.Option("--format", "-f", help="Output format.")
    ] = OutputFormat.text,
    fail_on: Annotated[
        Level | None,
        typer.Option(help="Exit 1 if a finding is at least this severe [default: high]."),
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
        str | None, typer.Option(help="Judge against this LMFE version [default: installed].")
    ] = None,
    jobs: Annotated[
        int | None,
        typer.Option("--jobs", "-j", min=1, help="Processes for many files [default: CPUs]."),
    ] = None,
    strict_field_order: Annotated[
        bool | None,
        typer.Option(
            "--strict-field-order/--no-strict-field-order",
            help="Assume LMFE_STRICT_JSON_FIELD_ORDER [default: from the environment].",
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
    instance: Annotated[
        Path | None, typer.Option(help="Instances to walk, one JSON per line [default: generated].")
    ] = None,
    seed: Annotated[int, typer.Option(help="Seed of the generated instance.")] = 0,
    no_cache: Annotated[
        bool, typer.Option("--no-cache", help="Rebuild LMFE's tokenizer data, skip the disk cache.")
    ] = False,
    max_consecutive_whitespaces: Annotated[
        int | None,
        typer.Option(help="LMFE option [default: LMFE_MAX_CONSECUTIVE_WHITESPACES or 12]."),
    ] = None,
    html_report: Annotated[
        Path | None,
        typer.Option("--report", help="Also write a self-contained HTML report to this file."),
    ] = None,
    max_json_array_length: Annotated[
        int | None,
        typer.Option(help="LMFE option [default: LMFE_MAX_JSON_ARRAY_LENGTH or 20]."),
    ] = None,
) -> None:
    """Lint schemas and tool lists; exit 1 on findings at or above --fail-on."""
    from schemalint.config import ConfigError, load_settings, parse_codes
    from schemalint.engine import PathNotFound, check_paths
    from schemalint.measure import SetupError
    from schemalint.model import Severity
    from schemalint.report import renderer

    try:
        settings = load_settings(config).override(
            select=parse_codes(select, "--select") if select else None,
            ignore=parse_codes(ignore, "--ignore") if ignore else None,
            fail_on=Severity.parse(fail_on.value) if fail_on else None,
            lmfe_version=lmfe_version,
            strict_field_order=strict_field_order,
        )
        prober, progress = None, None
        if measure:
            from schemalint.measure.probe import MeasureSettings, Prober, enforcer_config

            progress = _progress_bar()
            prober = Prober(
                MeasureSettings(
                    tokenizer=tokenizer,
                    budget=budget,
                    step_budget=step_budget,
                    use_cache=not no_cache,
                    instances=instance,
                    seed=seed,
                    config=enforcer_config(
                        strict_field_order, max_consecutive_whitespaces, max_json_array_length
                    ),
                ),
                progress,
            )
            prober.prepare()
        with _live(progress):
            report = check_paths(paths, settings, jobs, prober)
    except (ConfigError, PathNotFound) as error:
        raise _fail(str(error)) from None
    except SetupError as error:  # a tokenizer or --instance file that cannot be used
        raise _fail(str(error)) from None
    renderer(output_format.value)(report, sys.stdout)
    if html_report is not None:
        from schemalint.report.html import write_html

        try:
            write_html(report, html_report)
        except OSError as error:
            raise _fail(f"{html_report}: cannot write report: {error.strerror or error}") from None
    raise typer.Exit(0 if exit_zero else report.exit_code(settings.fail_on))


@app.command("rules")
def list_rules() -> None:
    """List every rule with its code, name, default severity and fix availability."""
    from rich.console import Console
    from rich.table import Table

    from schemalint.checks import RULES

    table = Table(box=None)
    for column in ("code", "name", "severity", "fix"):
        table.add_column(column, no_wrap=True)
    table.add_column("summary")
    for rule in RULES.values():
        table.add_row(
            rule.code,
            rule.name,
            rule.severity.label,
            rule.fix.value if rule.fix else "-",
            rule.summary,
        )
    Console().print(table)


@app.command("rule")
def show_rule(code: Annotated[str, typer.Argument(help="Rule code, e.g. SL206.")]) -> None:
    """Print a rule's documentation page."""
    from rich.console import Console
    from rich.markdown import Markdown

    from schemalint.docs import rule_page

    page = rule_page(code.upper())
    if page is None:
        raise _fail(f"unknown rule {code!r} (see `schemalint rules`)")
    Console().print(Markdown(page))


class _WalkProgress:
    """A rich progress line on stderr, shown only when stderr is a terminal."""

    def __init__(self) -> None:
        from rich.console import Console
        from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

        self.bar = Progress(
            SpinnerColumn(),
            TextColumn("measuring {task.description}"),
            TextColumn("{task.completed} steps"),
            TimeElapsedColumn(),
            console=Console(stderr=True),
            transient=True,
        )
        self.tasks: dict[str, Any] = {}

    def __call__(self, label: str, steps: int) -> None:
        if label not in self.tasks:
            self.tasks[label] = self.bar.add_task(label, total=None)
        self.bar.update(self.tasks[label], completed=steps)


def _progress_bar() -> _WalkProgress | None:
    from rich.console import Console

    return _WalkProgress() if Console(stderr=True).is_terminal else None


def _live(progress: _WalkProgress | None) -> Any:
    import contextlib

    return progress.bar if progress is not None else contextlib.nullcontext()


def main() -> None:
    app()
