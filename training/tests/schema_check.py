"""A small JSON Schema (draft 2020-12) validator for the keywords our schemas use.

The `jsonschema` package is optional on these machines; when it is installed the tests use it as well.
Unsupported keywords raise, so a schema change cannot silently pass unchecked.
"""
from __future__ import annotations

import re

_IGNORED = {"$schema", "$id", "title", "description", "format", "$comment", "default", "examples"}
_TYPES = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
}


def validate(instance, schema: dict) -> list[str]:
    """Returns a list of error messages (empty when valid)."""
    errors: list[str] = []
    _check(instance, schema, schema, "$", errors)
    return errors


def _check(v, s: dict, root: dict, path: str, errors: list[str]) -> None:
    for key, want in s.items():
        if key in _IGNORED or key == "$defs":
            continue
        if key == "$ref":
            if not want.startswith("#/"):
                raise NotImplementedError(want)
            target = root
            for part in want[2:].split("/"):
                target = target[part]
            _check(v, target, root, path, errors)
        elif key == "type":
            types = want if isinstance(want, list) else [want]
            if not any(_TYPES[t](v) for t in types):
                errors.append(f"{path}: expected {want}, got {type(v).__name__}")
                return
        elif key == "const":
            if v != want or type(v) is bool and type(want) is not bool:
                errors.append(f"{path}: must be {want!r}")
        elif key == "enum":
            if v not in want:
                errors.append(f"{path}: {v!r} not in {want}")
        elif key == "required":
            if isinstance(v, dict):
                errors += [f"{path}: missing {k}" for k in want if k not in v]
        elif key == "properties":
            if isinstance(v, dict):
                for k, sub in want.items():
                    if k in v:
                        _check(v[k], sub, root, f"{path}.{k}", errors)
        elif key == "additionalProperties":
            if isinstance(v, dict):
                extra = [k for k in v if k not in s.get("properties", {})]
                if want is False:
                    errors += [f"{path}: unexpected property {k}" for k in extra]
                elif isinstance(want, dict):
                    for k in extra:
                        _check(v[k], want, root, f"{path}.{k}", errors)
        elif key == "items":
            if isinstance(v, list):
                for i, item in enumerate(v):
                    _check(item, want, root, f"{path}[{i}]", errors)
        elif key == "pattern":
            if isinstance(v, str) and not re.search(want, v):
                errors.append(f"{path}: {v!r} does not match {want}")
        elif key == "minLength":
            if isinstance(v, str) and len(v) < want:
                errors.append(f"{path}: shorter than {want}")
        elif key in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
            if _TYPES["number"](v):
                ok = {"minimum": v >= want, "maximum": v <= want,
                      "exclusiveMinimum": v > want, "exclusiveMaximum": v < want}[key]
                if not ok:
                    errors.append(f"{path}: {v} violates {key} {want}")
        elif key in ("minItems", "maxItems"):
            if isinstance(v, list) and (len(v) < want if key == "minItems" else len(v) > want):
                errors.append(f"{path}: {len(v)} items violates {key} {want}")
        else:
            raise NotImplementedError(f"schema keyword {key!r} at {path}")
