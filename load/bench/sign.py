"""Pre-sign N TBA (OAuth 1.0a HMAC-SHA256) Authorization headers for one URL, one per line.

wrk's Lua has no HMAC-SHA256, so the benchmark hands it real, distinct signatures (fresh nonces, current
timestamps): every benchmarked request is authenticated exactly as a NetSuite client's would be.
"""

from __future__ import annotations

import argparse
import os
import sys

from oauthlib.oauth1 import SIGNATURE_HMAC_SHA256
from oauthlib.oauth1 import Client as OAuth1Client


def main() -> int:
    """Write ``--count`` signed headers for ``--method`` ``--url`` to stdout."""
    p = argparse.ArgumentParser()
    p.add_argument("--url", required=True)
    p.add_argument("--method", default="GET")
    p.add_argument("--count", type=int, default=60000)
    args = p.parse_args()
    env = os.environ
    client = OAuth1Client(
        env.get("ERPSIM_NETSUITE_CONSUMER_KEY", "erpsim-consumer-key"),
        client_secret=env.get("ERPSIM_NETSUITE_CONSUMER_SECRET", "erpsim-consumer-secret"),
        resource_owner_key=env.get("ERPSIM_NETSUITE_TOKEN_ID", "erpsim-token-id"),
        resource_owner_secret=env.get("ERPSIM_NETSUITE_TOKEN_SECRET", "erpsim-token-secret"),
        signature_method=SIGNATURE_HMAC_SHA256,
        realm=env.get("ERPSIM_NETSUITE_ACCOUNT", "1234567_SB1"),
    )
    out = sys.stdout
    for _ in range(args.count):
        _, headers, _ = client.sign(args.url, http_method=args.method)
        out.write(headers["Authorization"] + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
