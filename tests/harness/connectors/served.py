"""A ``passes = "stdin"`` connector: one pass per ``sync`` line on stdin, answered by ``erpsim-pass: <status>``.

served.py ok          every pass completes (prints its process id and pass number)
served.py fail-2      the second pass ends with status 3
served.py die-2       the process exits with 5 during its second pass
served.py hang        never answers
"""

from __future__ import annotations

import os
import sys
import time

if __name__ == "__main__":
    how = sys.argv[1]
    for number, line in enumerate(sys.stdin, start=1):
        print(f"pid {os.getpid()} pass {number} got {line.strip()!r}", flush=True)
        if how == "hang":
            time.sleep(600)
        if how == "die-2" and number == 2:
            sys.exit(5)
        status = 3 if how == "fail-2" and number == 2 else 0
        print(f"erpsim-pass: {status}", flush=True)
    print("stdin closed: bye", flush=True)
