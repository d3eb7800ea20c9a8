#!/usr/bin/env python3
"""Validates TOML files against a JSON Schema with an independent implementation
(Python's tomllib and the jsonschema package), as an editor's language server would.

    python3 tests/schema/validate.py SCHEMA.json FILE.toml [FILE.toml ...]

Prints one line per error (file, path, message) and exits 1 if any file is invalid.
"""
import datetime
import json
import sys
import tomllib

import jsonschema


def plain(value):
    """TOML dates become the strings the schema describes."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, (datetime.date, datetime.datetime, datetime.time)):
        return value.isoformat()
    return value


schema = json.load(open(sys.argv[1], encoding="utf-8"))
validator_class = jsonschema.validators.validator_for(schema)
validator_class.check_schema(schema)
validator = validator_class(schema)
bad = 0
for name in sys.argv[2:]:
    with open(name, "rb") as f:
        data = plain(tomllib.load(f))
    for error in sorted(validator.iter_errors(data), key=lambda e: list(map(str, e.absolute_path))):
        path = ".".join(str(p) for p in error.absolute_path) or "(roten)"
        print(f"{name}: {path}: {error.message}")
        bad += 1
print(f"schema-validate: {len(sys.argv) - 2} files, {bad} errors")
sys.exit(1 if bad else 0)
