"""Every OpenAPI document in contracts/openapi/ (one per emulator, and the rest) is a valid OpenAPI 3.1 document (openapi-spec-validator)."""

from __future__ import annotations

from pathlib import Path

import pytest
from openapi_spec_validator import OpenAPIV31SpecValidator
from openapi_spec_validator.readers import read_from_filename

DOCUMENTS = sorted((Path(__file__).resolve().parents[2] / "contracts" / "openapi").glob("*.yaml"))


def test_there_is_one_document_per_emulator() -> None:
    assert {"ap", "netsuite", "pos", "qms", "wms"} <= {p.stem for p in DOCUMENTS}


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda p: p.stem)
def test_the_document_validates(path: Path) -> None:
    spec, _ = read_from_filename(str(path))
    assert spec["openapi"].startswith("3.1")
    errors = [
        f"{'/'.join(map(str, e.path))}: {e.message.splitlines()[0]}"
        for e in OpenAPIV31SpecValidator(spec).iter_errors()
    ]
    assert errors == []
