"""Key material generated once per data directory (never shipped in the source), shared by every worker.

A key file is created atomically (written aside, then hard-linked into place, which fails if another
process got there first), so concurrent worker processes and restarts all read the same key.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa


def load_or_create(path: Path, make: Callable[[], bytes]) -> bytes:
    """The bytes of ``path``; when it does not exist yet, ``make()`` them and publish them there (mode 0600)."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(make())
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass  # another process published its key first: use that one
    finally:
        os.unlink(tmp)
    return path.read_bytes()


def _private_pem(key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def new_rsa_pem() -> bytes:
    """A fresh RSA-2048 private key, PKCS#8 PEM."""
    return _private_pem(rsa.generate_private_key(public_exponent=65537, key_size=2048))


def new_ec_pem() -> bytes:
    """A fresh EC P-256 private key, PKCS#8 PEM."""
    return _private_pem(ec.generate_private_key(ec.SECP256R1()))


def public_pem(private_pem: bytes) -> str:
    """The SubjectPublicKeyInfo PEM of a private key."""
    key = serialization.load_pem_private_key(private_pem, password=None)
    return (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
