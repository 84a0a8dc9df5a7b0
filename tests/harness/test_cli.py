"""``erpsim up`` starts every emulator, prints the connector variables and stops on Ctrl-C."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from harness.cli import COMMANDS, Command, main, register, version
from harness.systems import SYSTEMS
from tests.harness.running import free_port

ROOT = Path(__file__).resolve().parents[2]


_free_port = free_port


def test_up_serves_every_system_prints_exports_and_stops_on_sigint(tmp_path: Path) -> None:
    ports = {name: _free_port() for name in SYSTEMS}
    env = {
        **os.environ,
        "PYTHONUNBUFFERED": "1",
        **{f"ERPSIM_{n.upper()}_PORT": str(p) for n, p in ports.items()},
    }
    with open(tmp_path / "up.log", "w+") as log:  # the child writes to it; the test reads it back by name
        proc = subprocess.Popen(
            [sys.executable, "-m", "harness.cli", "up", "--data-dir", str(tmp_path)],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            text=True,
        )
    try:
        exports: dict[str, str] = {}
        deadline = time.monotonic() + 30
        while "ERPSIM_ADMIN_TOKEN" not in exports and time.monotonic() < deadline:
            assert proc.poll() is None, (tmp_path / "up.log").read_text()
            time.sleep(0.05)
            exports = {
                k: v
                for k, _, v in (
                    line[7:].strip().partition("=")
                    for line in (tmp_path / "up.log").read_text().splitlines()
                    if line.startswith("export ")
                )
            }
        for name, port in ports.items():
            assert exports[f"ERPSIM_{name.upper()}_URL"] == f"http://127.0.0.1:{port}"
            health = requests.get(f"http://127.0.0.1:{port}/__erpsim/health", timeout=10).json()
            assert health == {"system": name, "status": "ok"}
        assert exports["ERPSIM_NETSUITE_ACCOUNT"] == "1234567_SB1"
        for key in ("CONSUMER_KEY", "CONSUMER_SECRET", "TOKEN_ID", "TOKEN_SECRET"):
            assert exports[f"ERPSIM_NETSUITE_{key}"]
        assert exports["ERPSIM_ADMIN_TOKEN"] == "erpsim-admin"
        assert (tmp_path / "netsuite.db").exists()
    finally:
        proc.send_signal(signal.SIGINT)
        code = proc.wait(20)
    assert code == 0
    assert (tmp_path / "up.log").read_text().splitlines()[
        -1
    ] == "# erpsim: netsuite, qms, wms, pos, ap stopped"
    for port in ports.values():
        with socket.socket() as s:
            assert s.connect_ex(("127.0.0.1", port)) != 0


def test_single_system_command_takes_port_and_db_flags(tmp_path: Path) -> None:
    port = _free_port()
    db = tmp_path / "one.db"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "harness.cli",
            "netsuite",
            "--port",
            str(port),
            "--db",
            f"sqlite:///{db}",
            "--data-dir",
            str(tmp_path),
        ],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                r = requests.get(f"http://127.0.0.1:{port}/__erpsim/health", timeout=1)
                break
            except requests.ConnectionError:
                time.sleep(0.05)
        assert r.json() == {"system": "netsuite", "status": "ok"}
        assert db.exists()
    finally:
        proc.send_signal(signal.SIGINT)
        assert proc.wait(20) == 0


# ---- bad input: one line, exit status 2, no traceback -----------------------------------------------------------


def _fails(capsys: pytest.CaptureFixture[str], argv: list[str]) -> str:
    try:
        code = main(argv)
    except SystemExit as exc:  # argparse refusals
        code = exc.code
    captured = capsys.readouterr()
    assert code == 2, captured
    assert captured.out == ""
    assert captured.err.count("\n") == 1 and "Traceback" not in captured.err, captured.err
    return captured.err.strip()


@pytest.mark.parametrize(
    ("argv", "env", "message"),
    [
        (
            ["up", "--workers", "0"],
            {},
            "erpsim up: argument --workers: 0 is not a whole number of at least 1 (see erpsim up --help)",
        ),
        (
            ["netsuite", "--port", "99999"],
            {},
            "erpsim netsuite: argument --port: 99999 is not a port (1-65535) (see erpsim netsuite --help)",
        ),
        (["up", "--bogus"], {}, "erpsim: unrecognized arguments: --bogus (see erpsim --help)"),
        (["nope"], {}, "erpsim: argument COMMAND: invalid choice: 'nope' (choose from "),
        (
            ["up", "--print-env"],
            {"ERPSIM_NETSUITE_PORT": "abc"},
            "erpsim: ERPSIM_NETSUITE_PORT='abc': 'abc' is not a port (1-65535); fix or unset the variable",
        ),
        (
            ["up", "--print-env"],
            {"ERPSIM_WORKERS": "0"},
            "erpsim: ERPSIM_WORKERS='0': 0 is not a whole number of at least 1; fix or unset the variable",
        ),
        (
            ["up", "--print-env"],
            {"ERPSIM_LOG_LEVEL": "loud"},
            "erpsim: ERPSIM_LOG_LEVEL='loud': 'loud' is not a log level (debug, info, warning, error); fix or unset",
        ),
        (
            ["up", "--db", "mysql://u@h/db"],
            {},
            "erpsim: --db 'mysql://u@h/db': mysql is not supported; expected "
            "sqlite:///path/file.db or postgresql://user@host:5432/database",
        ),
        (
            ["up", "--db", "postgres://u@h/db"],
            {},
            "erpsim: --db 'postgres://u@h/db': write postgresql:// instead",
        ),
        (
            ["qms", "--print-env"],
            {"ERPSIM_DB": "not a url"},
            "erpsim: ERPSIM_DB 'not a url' is not a database URL",
        ),
        (
            ["up", "--systems", "netsuite,erp"],
            {},
            "erpsim: unknown system erp; --systems takes a comma list of netsuite, qms, wms, pos, ap",
        ),
        (
            ["up", "--netsuite-port", "9000", "--qms-port", "9000", "--print-env"],
            {},
            "erpsim: two systems on port 9000: give each its own port",
        ),
        (
            ["up", "--base-port", "65534", "--print-env"],
            {},
            "erpsim: --base-port 65534 puts wms past port 65535",
        ),
    ],
)
def test_bad_flags_and_variables_are_one_line(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    argv: list[str],
    env: dict[str, str],
    message: str,
) -> None:
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    assert _fails(capsys, argv).startswith(message)


def test_a_bad_system_setting_names_its_variable(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("ERPSIM_NETSUITE_CONCURRENCY_LIMIT", "lots")
    err = _fails(capsys, ["netsuite", "--port", str(_free_port()), "--data-dir", str(tmp_path)])
    assert (
        err
        == "erpsim: netsuite: ERPSIM_NETSUITE_CONCURRENCY_LIMIT='lots' is not a whole number; fix or unset it"
    )


def test_unreachable_postgresql_is_one_line(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    dead = _free_port()  # nothing listens there
    err = _fails(
        capsys,
        [
            "wms",
            "--port",
            str(_free_port()),
            "--data-dir",
            str(tmp_path),
            "--db",
            f"postgresql://postgres@127.0.0.1:{dead}/postgres",
        ],
    )
    assert err.startswith(f"erpsim: wms: cannot use PostgreSQL at 127.0.0.1:{dead} (connection failed")
    assert err.endswith("start it or fix --db / ERPSIM_DB")


def test_unwritable_data_dir_is_one_line(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    err = _fails(capsys, ["ap", "--port", str(_free_port()), "--data-dir", str(blocker / "sub")])
    assert err.startswith(f"erpsim: cannot use --data-dir {blocker / 'sub'} (")
    assert err.endswith("choose a writable folder (or set ERPSIM_DATA_DIR)")


def test_busy_port_names_the_flag_that_moves_it(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        busy = holder.getsockname()[1]
        # Only the held port is involved: neighbouring ports may be anyone's on a shared machine.
        err = _fails(capsys, ["up", "--systems", "wms", "--wms-port", str(busy), "--data-dir", str(tmp_path)])
        assert err == (
            f"erpsim: port {busy} (wms) is already in use: stop what holds it, or choose another with "
            f"--wms-port (or --base-port)"
        )
        err = _fails(capsys, ["pos", "--port", str(busy), "--data-dir", str(tmp_path)])
        assert (
            err
            == f"erpsim: port {busy} (pos) is already in use: stop what holds it, or choose another with --port"
        )


def test_version_and_help(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        main(["--version"])
    assert done.value.code == 0 and capsys.readouterr().out == f"erpsim {version()}\n"
    for command in [*SYSTEMS, "up", "demo"]:
        with pytest.raises(SystemExit) as done:
            main([command, "--help"])
        out = capsys.readouterr().out
        assert done.value.code == 0
        assert "example" in out
        if command != "demo":
            assert "ERPSIM_DB" in out and "(default: 127.0.0.1)" in out


def test_print_env_moves_every_port_with_base_port(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    assert (
        main(["up", "--base-port", "9701", "--ap-port", "9800", "--print-env", "--data-dir", str(tmp_path)])
        == 0
    )
    out = capsys.readouterr().out
    urls = [
        line
        for line in out.splitlines()
        if line.endswith(
            (
                "_URL=http://127.0.0.1:9701",
                "_URL=http://127.0.0.1:9702",
                "_URL=http://127.0.0.1:9703",
                "_URL=http://127.0.0.1:9704",
                "_URL=http://127.0.0.1:9800",
            )
        )
    ]
    assert urls == [
        "export ERPSIM_NETSUITE_URL=http://127.0.0.1:9701",
        "export ERPSIM_QMS_URL=http://127.0.0.1:9702",
        "export ERPSIM_WMS_URL=http://127.0.0.1:9703",
        "export ERPSIM_POS_URL=http://127.0.0.1:9704",
        "export ERPSIM_AP_URL=http://127.0.0.1:9800",
    ]


def test_registry_takes_new_commands(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("harness.cli.COMMANDS", dict(COMMANDS))
    register(
        Command(
            "hello",
            "say hello",
            lambda args: print(f"hello {args.who}") or 0,
            lambda p: p.add_argument("who"),
        )
    )
    assert main(["hello", "world"]) == 0
    assert capsys.readouterr().out == "hello world\n"
    with pytest.raises(ValueError, match="registered twice"):
        register(Command("up", "again", lambda args: 0))


def test_a_bad_journal_bodies_variable_is_one_line(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("ERPSIM_JOURNAL_BODIES", "lots")
    err = _fails(capsys, ["qms", "--port", str(_free_port()), "--data-dir", str(tmp_path)])
    assert err == "erpsim: qms: ERPSIM_JOURNAL_BODIES='lots' is not a whole number of bytes; fix or unset it"
