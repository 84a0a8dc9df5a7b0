"""A Python connector module for the fork server tests (``python -m forked_connector HOW``).

show      prints its pid, argv, cwd, ERPSIM_*/MY_* variables and where this module was imported, as JSON
exit-3    exits with status 3
crash     raises (a traceback, status 1)
served    one pass per ``sync`` line on stdin, answered by ``erpsim-pass: 0``
sleep     prints "ready" and sleeps (a daemon to kill)
"""

from __future__ import annotations

import json
import os
import sys
import time

#: the process that imported this module (run as ``-m`` the file runs again as ``__main__``; the module imported
#: by name is the fork server's when it was preloaded)
IMPORTED_BY = os.getpid()


def main(argv: list[str]) -> int:
    """Do what ``argv[0]`` says."""
    how = argv[0]
    if how == "show":
        import forked_connector

        print(
            json.dumps(
                {
                    "pid": os.getpid(),
                    "imported_by": forked_connector.IMPORTED_BY,
                    "argv": argv,
                    "cwd": os.getcwd(),
                    "sid": os.getsid(0),
                    "env": {k: v for k, v in os.environ.items() if k.startswith(("ERPSIM_", "MY_"))},
                }
            )
        )
        return 0
    if how == "exit-3":
        return 3
    if how == "crash":
        raise RuntimeError("the connector fell over")
    if how == "served":
        for number, line in enumerate(sys.stdin, start=1):
            print(f"pid {os.getpid()} pass {number} got {line.strip()!r}", flush=True)
            print("erpsim-pass: 0", flush=True)
        print("stdin closed: bye", flush=True)
        return 0
    if how == "sleep":
        print("ready", flush=True)
        time.sleep(600)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
