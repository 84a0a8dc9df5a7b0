"""Connectors that misbehave on purpose: ``crash``, ``hang``, ``garbage`` (exception queue), ``die`` (daemon)."""

from __future__ import annotations

import sys
import time

if __name__ == "__main__":
    how = sys.argv[1]
    if how == "crash":
        print("Traceback (most recent call last):\nRuntimeError: the connector fell over", flush=True)
        sys.exit(3)
    if how == "hang":
        print("working...", flush=True)
        time.sleep(600)
    if how == "garbage":
        sys.stdout.buffer.write(b"\x00\xffnot json at all\n")
        sys.exit(0)
    if how == "die":
        print("starting", flush=True)
        sys.exit(7)
    if how == "ok":
        sys.exit(0)
    if how == "silent":
        time.sleep(600)
