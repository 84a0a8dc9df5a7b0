"""A fork server for Python connectors: their modules imported once, each connector process forked from it.

A connector whose command is ``{python} -m MODULE ...`` may declare ``preload = ["pkg.mod", ...]`` in its file.
The harness then starts, once per job process, ``python .../harness/forkserver.py FD MODULES...`` in the
connector's folder with the connector's ``PYTHON*`` variables and the ``sys.path`` that ``python -m`` would have
there: it imports the modules and waits. Each connector process of
a scenario is forked from it instead of a new interpreter importing everything again (the reference engine's
imports, SQLAlchemy half of them, cost 0.6-0.9 s of CPU per process). What the harness sees is the same as for
``subprocess.Popen``: a process of its own session (so ``killpg`` reaches it), the scenario's environment,
argv, working directory and stdio, its exit status (``-N`` when signal N killed it). What differs is only what
a module did at import time: the preloaded modules were imported with the fork server's environment, so they
must read their configuration when they run, not when they are imported (the reference engine does).

Protocol, over a ``SOCK_SEQPACKET`` socket pair (one message each way per process):
the harness sends ``{"module", "args", "env", "cwd"}`` as JSON with four descriptors (stdin, stdout, stderr
and the write end of a status pipe); the forked child answers ``{"pid": N}`` once it leads its own session;
the server writes the child's exit status (``"-9\\n"``) to the status pipe when it reaps it. When the harness
closes its end the server exits; :func:`stop_all` does that (and waits, by PID) for every server started here.
"""

from __future__ import annotations

import atexit
import importlib
import json
import os
import select
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Mapping
from typing import IO, Any

#: the largest request (the environment dominates it): a bigger one is refused rather than cut
MAX_MESSAGE = 1 << 20
#: variables that decide what ``import`` finds: a server serves only runs that agree with it on all of them
IMPORT_VARS = (
    "PYTHONPATH",
    "PYTHONHOME",
    "PYTHONSAFEPATH",
    "PYTHONNOUSERSITE",
    "PYTHONUSERBASE",
    "PYTHONPLATLIBDIR",
    "PYTHONDONTWRITEBYTECODE",
    "PYTHONPYCACHEPREFIX",
)


class ForkServerError(RuntimeError):
    """The fork server could not start (a preload module does not import) or stopped answering."""


# ---- the harness side ------------------------------------------------------------------------------------------
class ForkedProcess:
    """A process forked by the server, used like ``subprocess.Popen`` (pid, stdin/stdout, poll, wait)."""

    def __init__(
        self, pid: int, args: list[str], status_fd: int, stdin: IO[bytes] | None, stdout: IO[bytes] | None
    ) -> None:
        self.pid, self.args, self.stdin, self.stdout = pid, args, stdin, stdout
        self.returncode: int | None = None
        self._status_fd = status_fd
        self._lock = threading.Lock()

    def _read_status(self, timeout: float | None) -> int | None:
        with self._lock:
            if self.returncode is not None:
                return self.returncode
            ready, _w, _x = select.select([self._status_fd], [], [], timeout)
            if not ready:
                return None
            data = b""
            while not data.endswith(b"\n"):
                chunk = os.read(self._status_fd, 64)
                if not chunk:
                    break
                data += chunk
            os.close(self._status_fd)
            # no status at all: the server died before it could reap this child (the child is gone with it
            # or orphaned); a failed process either way
            self.returncode = int(data) if data.strip() else 255
            return self.returncode

    def poll(self) -> int | None:
        """The exit status, or None while it runs."""
        return self._read_status(0)

    def wait(self, timeout: float | None = None) -> int:
        """Wait for the exit status; ``subprocess.TimeoutExpired`` after ``timeout`` seconds."""
        code = self._read_status(timeout)
        if code is None:
            raise subprocess.TimeoutExpired(self.args, timeout or 0)
        return code

    def send_signal(self, sig: int) -> None:
        """Signal the process (nothing when it has exited)."""
        if self.poll() is None:
            try:
                os.kill(self.pid, sig)
            except ProcessLookupError:
                pass

    def terminate(self) -> None:
        """SIGTERM."""
        self.send_signal(signal.SIGTERM)

    def kill(self) -> None:
        """SIGKILL."""
        self.send_signal(signal.SIGKILL)


def _fd_for(
    spec: Any, mode: str, inherit: int, mine: list[int], theirs: list[int]
) -> tuple[int, IO[bytes] | None]:
    """The child's descriptor for a Popen-style stdio spec (PIPE, DEVNULL, a file, a descriptor, None: ours)."""
    if spec is None:
        mine.append(inherit)
        return inherit, None
    if spec == subprocess.PIPE:
        r, w = os.pipe()
        child, ours = (r, w) if mode == "r" else (w, r)
        theirs.append(child)
        return child, open(ours, "wb" if mode == "r" else "rb")  # noqa: SIM115 - the caller owns it, as Popen's
    if spec == subprocess.DEVNULL:
        fd = os.open(os.devnull, os.O_RDONLY if mode == "r" else os.O_WRONLY)
        theirs.append(fd)
        return fd, None
    fd = spec if isinstance(spec, int) else spec.fileno()
    mine.append(fd)
    return fd, None


class ForkServer:
    """One server process with the preloaded modules; :meth:`spawn` forks a connector process from it."""

    def __init__(self, python: str, cwd: str, env: Mapping[str, str], preload: list[str]) -> None:
        self.python, self.cwd, self.env, self.preload = python, cwd, dict(env), list(preload)
        self.proc: subprocess.Popen[bytes] | None = None
        self._sock: socket.socket | None = None
        self._stderr: IO[bytes] | None = None
        self._lock = threading.Lock()

    def start(self, timeout: float = 60.0) -> ForkServer:
        """Start the server and wait until it has imported the modules (ForkServerError if one fails)."""
        import tempfile

        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self._stderr = tempfile.TemporaryFile()  # noqa: SIM115 - kept until stop(): what the server printed
        try:
            # run by path, not ``-m harness.forkserver``: the children then carry no harness module, and this
            # file is the harness's own whichever checkout the interpreter would import ``harness`` from
            self.proc = subprocess.Popen(
                [self.python, __file__, str(theirs.fileno()), *self.preload],
                cwd=self.cwd,
                env=self.env,
                pass_fds=[theirs.fileno()],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=self._stderr,
                start_new_session=True,
            )
        finally:
            theirs.close()
        self._sock = ours
        ours.settimeout(timeout)
        try:
            hello = ours.recv(MAX_MESSAGE)
        except TimeoutError:
            self.stop()
            raise ForkServerError(
                f"the fork server did not import {', '.join(self.preload)} within {timeout:g} s"
            ) from None
        if hello != b"ready":
            self.proc.wait(timeout)
            self._stderr.seek(0)
            err = self._stderr.read().decode("utf-8", "replace")
            self.stop()
            raise ForkServerError(
                f"the fork server could not import its modules: "
                f"{(hello.decode('utf-8', 'replace') or err.strip())[-2000:]}"
            )
        ours.settimeout(None)
        return self

    def alive(self) -> bool:
        """True while the server runs."""
        return self.proc is not None and self.proc.poll() is None

    def spawn(
        self,
        module: str,
        args: list[str],
        env: Mapping[str, str],
        cwd: str,
        stdin: Any = None,
        stdout: Any = None,
        stderr: Any = None,
        timeout: float = 30.0,
    ) -> ForkedProcess:
        """Fork ``python -m module args`` (stdio specs as for Popen: PIPE, DEVNULL, a file, STDOUT for stderr)."""
        if self._sock is None or not self.alive():
            raise ForkServerError("the fork server is not running")
        body = json.dumps({"module": module, "args": list(args), "env": dict(env), "cwd": cwd}).encode()
        if len(body) > MAX_MESSAGE:
            raise ForkServerError(f"the request to the fork server is too large ({len(body)} bytes)")
        mine: list[int] = []
        theirs: list[int] = []
        in_pipe = out_pipe = None
        status_r, reply = -1, b""
        try:
            in_fd, in_pipe = _fd_for(stdin, "r", 0, mine, theirs)
            out_fd, out_pipe = _fd_for(stdout, "w", 1, mine, theirs)
            err_fd = out_fd if stderr == subprocess.STDOUT else _fd_for(stderr, "w", 2, mine, theirs)[0]
            status_r, status_w = os.pipe()
            theirs.append(status_w)
            with self._lock:
                socket.send_fds(self._sock, [body], [in_fd, out_fd, err_fd, status_w])
                self._sock.settimeout(timeout)
                try:
                    reply = self._sock.recv(MAX_MESSAGE)
                except TimeoutError:
                    reply = b""
                finally:
                    self._sock.settimeout(None)
            pid = int(json.loads(reply)["pid"])
        except (ValueError, KeyError, TypeError, OSError) as exc:
            if status_r >= 0:
                os.close(status_r)
            for pipe in (in_pipe, out_pipe):
                if pipe is not None:
                    pipe.close()
            # a late answer would be taken for the next process's: this server is done, the next use starts one
            self.stop()
            why = (
                repr(reply[:500])
                if reply
                else f"{type(exc).__name__}: {exc}"
                if isinstance(exc, OSError)
                else f"no answer within {timeout:g} s"
            )
            raise ForkServerError(f"the fork server did not start {module}: {why}") from None
        finally:
            for fd in theirs:
                os.close(fd)
        return ForkedProcess(pid, [self.python, "-m", module, *args], status_r, in_pipe, out_pipe)

    def stop(self, timeout: float = 10.0) -> None:
        """Close our end (the server then exits) and wait for it by its PID; SIGKILL after ``timeout``."""
        if self._sock is not None:
            self._sock.close()
            self._sock = None
        proc, self.proc = self.proc, None
        if proc is None:
            return
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if self._stderr is not None:
            self._stderr.close()
            self._stderr = None


_SERVERS: dict[tuple[Any, ...], ForkServer] = {}
_SERVERS_LOCK = threading.Lock()


def server_for(python: str, cwd: str, env: Mapping[str, str], preload: list[str]) -> ForkServer:
    """The running server for these modules, interpreter, folder and import variables (started on first use)."""
    import_env = tuple((k, env.get(k)) for k in IMPORT_VARS)
    key = (python, cwd, tuple(preload), import_env)
    with _SERVERS_LOCK:
        server = _SERVERS.get(key)
        if server is not None and server.alive():
            return server
        if server is not None:
            server.stop()  # it died: its socket and log go, a new one starts
        if not _SERVERS:
            atexit.register(stop_all)
        base = {k: v for k, v in os.environ.items() if not k.startswith("ERPSIM_") and k not in IMPORT_VARS}
        base.update({k: v for k, v in import_env if v is not None})
        server = ForkServer(python, cwd, base, preload).start()
        _SERVERS[key] = server
        return server


def stop_all() -> None:
    """Stop every fork server this process started."""
    with _SERVERS_LOCK:
        servers = list(_SERVERS.values())
        _SERVERS.clear()
    for server in servers:
        server.stop()


# ---- the server side -----------------------------------------------------------------------------------------
def _text_stream(fd: int, write: bool, env: Mapping[str, str]) -> Any:
    """``sys.stdin``/``stdout``/``stderr`` on a descriptor, as a new interpreter would make them."""
    import io

    encoding, _, errors = (env.get("PYTHONIOENCODING") or "").partition(":")
    encoding = encoding or "utf-8"
    if not write:
        return io.TextIOWrapper(
            io.BufferedReader(io.FileIO(fd, "r", closefd=False)), encoding=encoding, errors=errors or "strict"
        )
    unbuffered = bool(env.get("PYTHONUNBUFFERED"))
    raw = io.FileIO(fd, "w", closefd=False)
    buffered: Any = raw if unbuffered else io.BufferedWriter(raw)
    return io.TextIOWrapper(
        buffered,
        encoding=encoding,
        errors=errors or ("backslashreplace" if fd == 2 else "strict"),
        write_through=unbuffered,
        line_buffering=False,
    )


def _exit_code(code: Any) -> int:
    """What the interpreter makes of ``SystemExit(code)``."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code & 0xFF  # as the exit status the OS keeps (sys.exit(-1) is 255)
    print(code, file=sys.stderr)
    return 1


def _run_child(request: dict[str, Any], fds: list[int], sock: socket.socket, close: list[int]) -> None:
    """In the forked child: become the connector process, run its module, exit with its status."""
    code = 1
    try:
        os.setsid()  # a session of its own, as Popen(start_new_session=True): the harness signals the group
        stdin, stdout, stderr, status_w = fds
        for target, fd in ((0, stdin), (1, stdout), (2, stderr)):
            os.dup2(fd, target)
        for fd in {stdin, stdout, stderr, status_w, *close}:
            if fd > 2:
                os.close(fd)
        signal.set_wakeup_fd(-1)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)  # the server ignored it; Python's default
        env = request["env"]
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(env)
        sys.stdin, sys.stdout, sys.stderr = (
            _text_stream(0, False, env),
            _text_stream(1, True, env),
            _text_stream(2, True, env),
        )
        for name in ("stdin", "stdout", "stderr"):  # what a new interpreter started with, too
            setattr(sys, f"__{name}__", getattr(sys, name))
        sock.sendall(json.dumps({"pid": os.getpid()}).encode())
        sock.close()
        sys.argv = ["-m", *request["args"]]
        import runpy

        try:
            runpy.run_module(request["module"], run_name="__main__", alter_sys=True)
            code = 0
        except SystemExit as exc:
            code = _exit_code(exc.code)
        except KeyboardInterrupt:
            import traceback

            traceback.print_exc()
            _flush()
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            os.kill(os.getpid(), signal.SIGINT)  # as the interpreter exits on an uncaught Ctrl-C
        except BaseException:  # noqa: BLE001 - printed as the interpreter would, exit status 1
            import traceback

            traceback.print_exc()
            code = 1
        shutdown = getattr(threading, "_shutdown", None)
        if shutdown is not None:
            shutdown()  # non-daemon threads are joined, as at the end of an interpreter
        atexit._run_exitfuncs()
    finally:
        _flush()
        os._exit(code)


def _flush() -> None:
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass


def serve(sock_fd: int, preload: list[str]) -> int:
    """The server loop: import the modules, then fork a child per request and report each exit status."""
    import gc

    sock = socket.socket(fileno=sock_fd)
    sys.path[0] = os.getcwd()  # run by path, the script's folder came first; ``python -m`` puts the cwd there
    try:
        for name in preload:
            importlib.import_module(name)
    except BaseException as exc:  # noqa: BLE001 - whatever the import raised, the harness is told
        sock.sendall(f"{name}: {type(exc).__name__}: {exc}".encode()[:MAX_MESSAGE])
        return 2
    gc.collect()
    gc.freeze()  # the children inherit the heap: their collections skip it (no copy-on-write of every page)
    wake_r, wake_w = os.pipe()
    os.set_blocking(wake_r, False)
    os.set_blocking(wake_w, False)
    signal.set_wakeup_fd(wake_w)
    signal.signal(signal.SIGCHLD, lambda *_: None)  # a handler, so SIGCHLD wakes select
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C in the harness's terminal is for the harness
    children: dict[int, int] = {}  # pid -> write end of its status pipe
    sock.sendall(b"ready")
    while True:
        try:
            ready, _w, _x = select.select([sock.fileno(), wake_r], [], [])
        except InterruptedError:
            continue
        if wake_r in ready:
            while True:
                try:
                    if not os.read(wake_r, 512):
                        break
                except BlockingIOError:
                    break
            _reap(children)
        if sock.fileno() in ready:
            try:
                body, fds, _flags, _addr = socket.recv_fds(sock, MAX_MESSAGE, 4)
            except OSError:
                body, fds = b"", []
            if not body:
                break  # the harness closed its end: no more requests
            if len(fds) != 4:
                for fd in fds:
                    os.close(fd)
                sock.sendall(b'{"error": "a request carries four descriptors"}')
                continue
            pid = os.fork()
            if pid == 0:
                _run_child(json.loads(body), fds, sock, [wake_r, wake_w, *children.values()])
            children[pid] = fds[3]
            for fd in fds[:3]:
                os.close(fd)
            _reap(children)
    sock.close()
    return 0


def _reap(children: dict[int, int]) -> None:
    """Collect every child that exited and write its status to its pipe."""
    while children:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        fd = children.pop(pid, None)
        if fd is not None:
            try:
                os.write(fd, f"{os.waitstatus_to_exitcode(status)}\n".encode())
            except OSError:
                pass  # the harness no longer listens
            os.close(fd)


if __name__ == "__main__":
    sys.exit(serve(int(sys.argv[1]), sys.argv[2:]))
