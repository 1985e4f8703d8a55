"""check and rewrite read the tools of real MCP servers, written with the SDK's server API and
started by the tests, over stdio and streamable HTTP on 127.0.0.1."""

from __future__ import annotations

import json
import os
import shlex
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import jsonschema
import pytest
from typer.testing import CliRunner

from schemalint.cli import app
from tests.conftest import ROOT

pytest.importorskip("mcp")

SERVERS = Path(__file__).resolve().parent / "servers"
TOOLS = f"{shlex.quote(sys.executable)} {SERVERS / 'tools_server.py'} stdio"
SARIF_SCHEMA = ROOT / "tests" / "data" / "sarif" / "sarif-schema-2.1.0-rtm.5.json"
runner = CliRunner()


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def check_json(*args: str) -> tuple[int, dict[str, object], str]:
    code, out, err = run("check", "--output-format", "json", *args)
    return code, json.loads(out), err


def findings(report: dict[str, object], index: int = 0) -> set[tuple[str, str, str | None]]:
    files = report["files"]
    assert isinstance(files, list)
    return {(f["code"], f["pointer"], f.get("tool")) for f in files[index]["findings"]}


def alive(pid: int) -> bool:
    """Whether ``pid`` is a live process (a zombie waiting for its parent counts as ended)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False
    return "\nState:\tZ" not in status


def wait_until_gone(*pids: int, seconds: float = 10.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not any(map(alive, pids)):
            return True
        time.sleep(0.05)
    return False


def test_a_stdio_server_s_tools_are_checked_like_an_mcp_tools_file() -> None:
    code, report, err = check_json("--mcp-stdio", TOOLS)
    assert code == 1, err
    (file,) = report["files"]  # type: ignore[misc]
    assert file["kind"] == "mcp-tools" and file["path"] == f"mcp:{TOOLS}"
    assert file["source"] == {"kind": "mcp-stdio", "name": TOOLS}
    found = findings(report)
    # dict[str, Any] → a free-form object; Literal[...] | str → an enum-or-string union.
    assert ("SL108", "/tools/0/inputSchema/properties/value", "store_record") in found
    assert ("SL205", "/tools/1/inputSchema/properties/mode/anyOf", "search") in found
    assert ("SL201", "/tools/1/inputSchema/properties/reason", "search") in found
    # Optional[int] is anyOf [integer, null]: a typed union LMFE handles, so no finding.
    assert not any("/limit" in pointer for _, pointer, _ in found)


def test_the_text_report_names_the_server_and_the_tool_of_each_finding() -> None:
    code, out, _ = run("check", "--mcp-stdio", TOOLS)
    assert code == 1
    assert out.splitlines()[0].startswith(f"mcp:{TOOLS}  mcp-tools  risk")
    assert "/tools/0/inputSchema/properties/value  tool store_record" in out


def test_every_page_of_a_paginated_listing_is_read() -> None:
    paged = f"{shlex.quote(sys.executable)} {SERVERS / 'paged_server.py'} 25 10"
    code, report, err = check_json("--mcp-stdio", paged)
    assert code == 0, err
    tools = {tool for _, _, tool in findings(report) if tool is not None}
    assert len(tools) == 25 and "tool_024" in tools


def test_a_server_that_crashes_mid_listing_is_one_error_naming_it() -> None:
    crashing = f"{shlex.quote(sys.executable)} {SERVERS / 'paged_server.py'} 25 10 2"
    code, report, err = check_json("--mcp-stdio", crashing, "--mcp-stdio", TOOLS)
    assert code == 2
    (line,) = err.strip().splitlines()
    assert line.startswith(f"schemalint: error: mcp:{crashing}: closed the connection")
    assert "Traceback" not in err
    # The other server is still checked and reported.
    assert [file["path"] for file in report["files"]] == [f"mcp:{TOOLS}"]  # type: ignore[attr-defined]
    assert report["summary"]["errors"][0]["source"] == f"mcp:{crashing}"  # type: ignore[index]


def test_a_server_that_never_answers_times_out_and_is_ended_with_its_children(
    tmp_path: Path,
) -> None:
    pids = tmp_path / "pids"
    silent = f"{shlex.quote(sys.executable)} {SERVERS / 'silent_server.py'} {pids}"
    started = time.monotonic()
    code, _, err = run("check", "--mcp-stdio", silent, "--source-timeout", "2")
    elapsed = time.monotonic() - started
    assert code == 2
    assert f"mcp:{silent}: no answer within 2 s" in err
    assert "its stderr ended: listening soon" in err
    server, child = map(int, pids.read_text().split())
    assert wait_until_gone(server, child), "the server or its child outlived the check"
    assert elapsed < 2 + 10, elapsed  # the timeout, then the SDK's bounded shutdown


def test_a_command_that_does_not_exist_is_one_error() -> None:
    code, _, err = run("check", "--mcp-stdio", "/no/such/server --flag")
    assert code == 2
    assert err.strip() == (
        "schemalint: error: mcp:/no/such/server --flag: cannot start '/no/such/server': "
        "No such file or directory"
    )


def test_ctrl_c_ends_the_server_and_its_children(tmp_path: Path) -> None:
    pids = tmp_path / "pids"
    silent = f"{shlex.quote(sys.executable)} {SERVERS / 'silent_server.py'} {pids}"
    command = [sys.executable, "-m", "schemalint", "check", "--mcp-stdio", silent]
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as process:
        deadline = time.monotonic() + 30
        while not pids.exists() or not pids.read_text().endswith("\n"):
            assert time.monotonic() < deadline, "the server never started"
            time.sleep(0.05)
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=20)
    server, child = map(int, pids.read_text().split())
    assert wait_until_gone(server, child), "Ctrl-C left the server or its child running"
    assert process.returncode != 0
    assert b"Traceback" not in err


def test_ctrl_c_cancels_the_listings_and_reaches_the_caller_after_the_servers_end(
    tmp_path: Path,
) -> None:
    """Ctrl-C cancels the listings' own scope (which the SDK's shutdown of a server is written
    for), and only then becomes the caller's KeyboardInterrupt: never a listing that runs on to
    its timeout."""
    from schemalint.sources.mcp import McpServer, list_servers

    pids = tmp_path / "pids"
    server = McpServer("silent", sys.executable, (str(SERVERS / "silent_server.py"), str(pids)))

    def interrupt_once_started() -> None:
        deadline = time.monotonic() + 30
        while not pids.exists() or not pids.read_text().endswith("\n"):
            if time.monotonic() > deadline:
                return
            time.sleep(0.05)
        os.kill(os.getpid(), signal.SIGINT)

    threading.Thread(target=interrupt_once_started, daemon=True).start()
    started = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        list_servers([server], timeout=60)
    assert time.monotonic() - started < 30  # the SDK's bounded shutdown, not the 60 s timeout
    assert wait_until_gone(*map(int, pids.read_text().split()))


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def http_server() -> Iterator[str]:
    """The tools server over streamable HTTP on 127.0.0.1; its URL."""
    port = _free_port()
    command = [sys.executable, str(SERVERS / "tools_server.py"), "http", str(port)]
    with subprocess.Popen(command, stderr=subprocess.DEVNULL, stdout=subprocess.DEVNULL) as server:
        try:
            deadline = time.monotonic() + 30
            while True:
                with socket.socket() as probe:
                    if probe.connect_ex(("127.0.0.1", port)) == 0:
                        break
                assert server.poll() is None and time.monotonic() < deadline, "no HTTP server"
                time.sleep(0.1)
            yield f"http://127.0.0.1:{port}/mcp"
        finally:
            server.terminate()
            server.wait(10)


def test_a_streamable_http_server_s_tools_are_checked(http_server: str) -> None:
    code, report, err = check_json("--mcp-url", http_server)
    assert code == 1, err
    (file,) = report["files"]  # type: ignore[misc]
    assert file["source"] == {"kind": "mcp-http", "name": http_server}
    assert ("SL108", "/tools/0/inputSchema/properties/value", "store_record") in findings(report)


def test_a_url_s_credentials_and_query_never_reach_the_report(http_server: str) -> None:
    with_secret = http_server.replace("http://", "http://user:hunter22@") + "?token=hunter22"
    _, out, err = run("check", "--mcp-url", with_secret, "-f", "json")
    assert "hunter22" not in out + err
    assert json.loads(out)["files"][0]["path"] == f"mcp:{http_server}"


def _config(tmp_path: Path, servers: dict[str, object]) -> Path:
    path = tmp_path / ".mcp.json"
    path.write_text(json.dumps({"mcpServers": servers}, indent=2) + "\n")
    return path


BROKEN = {
    "command": sys.executable,
    "args": ["-c", "import os, sys; print('token', os.environ['API_TOKEN'], file=sys.stderr)"],
    "env": {"API_TOKEN": "s3cret-value-123"},
}


def test_a_config_with_a_broken_server_still_checks_the_other(tmp_path: Path) -> None:
    tools = {"command": sys.executable, "args": [str(SERVERS / "tools_server.py"), "stdio"]}
    config = _config(tmp_path, {"tools": tools, "broken": BROKEN})
    code, report, err = check_json("--mcp-config", str(config))
    assert code == 2
    (line,) = err.strip().splitlines()
    assert line.startswith(f"schemalint: error: mcp:broken: {config}:10: closed the connection")
    # The secret reaches the server (which printed it) and is masked everywhere we write.
    assert line.endswith("its stderr ended: token ***")
    assert "s3cret-value-123" not in json.dumps(report) + err
    (file,) = report["files"]  # type: ignore[misc]
    assert file["path"] == "mcp:tools"
    assert file["source"] == {"kind": "mcp-stdio", "name": "tools", "file": str(config), "line": 3}
    assert ("SL108", "/tools/0/inputSchema/properties/value", "store_record") in findings(report)


def test_reports_show_environment_variable_names_only(tmp_path: Path) -> None:
    tools = {
        "command": sys.executable,
        "args": [str(SERVERS / "tools_server.py"), "stdio"],
        "env": {"API_TOKEN": "s3cret-value-123", "REGION": "${SCHEMALINT_TEST_REGION:-eu}"},
    }
    config = _config(tmp_path, {"tools": tools})
    for fmt in ("json", "text", "sarif", "github", "markdown", "concise"):
        code, out, err = run("check", "--mcp-config", str(config), "-f", fmt)
        assert code == 1 and "s3cret-value-123" not in out + err, fmt
    _, report, _ = check_json("--mcp-config", str(config))
    assert report["files"][0]["source"]["env"] == ["API_TOKEN", "REGION"]  # type: ignore[index]


def test_sarif_places_a_config_server_s_findings_on_its_entry(tmp_path: Path) -> None:
    tools = {"command": sys.executable, "args": [str(SERVERS / "tools_server.py"), "stdio"]}
    config = _config(tmp_path, {"tools": tools})
    _, out, _ = run("check", "--mcp-config", str(config), "--mcp-stdio", TOOLS, "-f", "sarif")
    sarif = json.loads(out)
    jsonschema.Draft4Validator(json.loads(SARIF_SCHEMA.read_text())).validate(sarif)
    by_source: dict[str, dict[str, object]] = {}
    for result in sarif["runs"][0]["results"]:
        (location,) = result["locations"]
        (logical,) = location["logicalLocations"]
        by_source.setdefault(logical["fullyQualifiedName"].split("#")[0], location)
    config_location = by_source["mcp:tools"]
    assert config_location["physicalLocation"]["region"] == {"startLine": 3}  # type: ignore[index]
    assert config_location["physicalLocation"]["artifactLocation"]["uri"].endswith(".mcp.json")  # type: ignore[index]
    # A server started from the command line has no file: a logical location only.
    assert "physicalLocation" not in by_source[f"mcp:{TOOLS}"]
    logical = by_source[f"mcp:{TOOLS}"]["logicalLocations"][0]  # type: ignore[index]
    assert logical["kind"] == "function" and logical["name"] in {"store_record", "search"}


def test_config_entries_that_cannot_be_used_are_errors_naming_them(tmp_path: Path) -> None:
    config = _config(
        tmp_path,
        {
            "old": {"type": "sse", "url": "http://127.0.0.1:1/sse"},
            "empty": {"args": []},
            "unset": {"command": "${SCHEMALINT_TEST_UNSET_VARIABLE}"},
            "off": {"command": "never-started", "disabled": True},
        },
    )
    code, _, err = run("check", "--mcp-config", str(config))
    assert code == 2
    assert f"mcp:old: {config}:3: SSE servers are not supported" in err
    assert f'mcp:empty: {config}:7: server has neither "command" nor "url"' in err
    assert "uses ${SCHEMALINT_TEST_UNSET_VARIABLE}, which is not set" in err
    assert "server 'off' is disabled: not checked" in err


def test_a_file_that_is_no_mcp_config_is_a_usage_error(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text('{"editor": {}}')
    code, _, err = run("check", "--mcp-config", str(path))
    assert code == 2
    assert err.strip() == (
        f"schemalint: error: {path}: not an MCP config: no mcpServers (or servers) object"
    )


def test_rewrite_writes_a_server_s_rewritten_tools_to_stdout() -> None:
    code, out, err = run("rewrite", "--mcp-stdio", TOOLS)
    assert code == 0, err
    rewritten = json.loads(out)
    value = rewritten["tools"][0]["inputSchema"]["properties"]["value"]
    assert value == {"title": "Value", "type": "object"}  # the no-op keyword dropped
    assert "drop-noop-keywords" in err


def test_rewrite_never_writes_back_to_a_server() -> None:
    code, _, err = run("rewrite", "--mcp-stdio", TOOLS, "--in-place")
    assert code == 2
    assert "rewrite a source (--mcp-*, --python) alone, to stdout or --output" in err


def test_a_live_server_compares_with_a_saved_json_report(tmp_path: Path) -> None:
    saved = tmp_path / "before.json"
    _, out, _ = run("check", "--mcp-stdio", TOOLS, "-f", "json", "--exit-zero")
    saved.write_text(out)
    code, report, _ = check_json("--mcp-stdio", TOOLS, "--baseline", str(saved))
    assert code == 0  # nothing new
    assert report["summary"]["baseline"]["new"] == 0  # type: ignore[index]
    assert report["summary"]["baseline"]["unchanged"] == len(findings(report))  # type: ignore[index]


def test_measure_walks_a_live_server_s_tools() -> None:
    pytest.importorskip("lmformatenforcer")
    code, report, err = check_json("--mcp-stdio", TOOLS, "--measure", "--budget", "20")
    assert code == 1, err
    measurement = report["files"][0]["measurement"]  # type: ignore[index]
    assert measurement["coverage"]["tools"]["total"] == 2, err
    assert measurement["coverage"]["tools"]["walked"] >= 1
    # The free-form object stops LMFE: the static SL108 gets its measured verdict.
    sl108 = [f for f in report["files"][0]["findings"] if f["code"] == "SL108"]  # type: ignore[index]
    assert sl108 and sl108[0]["measured"]["verdict"] == "confirmed"


def test_no_source_and_no_path_is_a_usage_error() -> None:
    code, _, err = run("check")
    assert code == 2 and "give a schema file or folder, or a source" in err


def _processes_with(marker: str) -> list[int]:
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            if marker.encode() in cmdline.read_bytes():
                found.append(int(cmdline.parent.name))
        except OSError:
            continue
    return [pid for pid in found if alive(pid)]


def test_no_server_process_outlives_a_successful_check() -> None:
    marker = f"schemalint-test-{os.getpid()}-{time.monotonic_ns()}"
    code, _, err = run("check", "--mcp-stdio", f"{TOOLS} {marker}")
    assert code == 1, err
    assert _processes_with(marker) == []
