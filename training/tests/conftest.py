import json
import sys
from pathlib import Path

import pytest
import torch

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parents[1]
sys.path.insert(0, str(TESTS))  # schema_check

torch.set_num_threads(2)


@pytest.fixture(scope="session")
def repo() -> Path:
    return REPO


@pytest.fixture(scope="session")
def pack_schema() -> dict:
    return json.loads((REPO / "schemas" / "model-pack.schema.json").read_text())


@pytest.fixture(scope="session")
def validate_manifest(pack_schema):
    from schema_check import validate

    def check(manifest: dict) -> None:
        errors = validate(manifest, pack_schema)
        assert not errors, errors
        try:
            import jsonschema
        except ImportError:
            return
        jsonschema.Draft202012Validator(pack_schema).validate(manifest)

    return check
