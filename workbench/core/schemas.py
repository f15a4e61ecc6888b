"""JSON Schema checks for the files the workbench reads: results files and presets.

The schemas are package data (``workbench/resources/schemas``) and double as the formats' spec
for other tools; ``jsonschema`` checks a document against them rather than hand-written code
walking it. What this module adds is the report: one line saying where in the file and what is
wrong, in the terms of the format (``experiments[0].expect[1].kind: unknown rule kind 'speedp'
(allowed: speedup, wall, …)``), never jsonschema's multi-line report or a traceback.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from workbench.resources import resource

if TYPE_CHECKING:  # jsonschema loads on the first check (~45 ms), not with every command
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import ValidationError

RESULTS = "results"
PRESET = "preset"

_TYPES = {
    "integer": "a whole number",
    "number": "a number",
    "string": "text",
    "boolean": "true or false",
    "array": "a list",
    "object": "an object",
    "null": "null",
}


@functools.cache
def schema(name: str) -> Mapping[str, Any]:
    """The schema ``name`` (``results`` or ``preset``) as shipped with the package."""
    text = resource("schemas", f"{name}.schema.json").read_text(encoding="utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded


@functools.cache
def _validator(name: str, definition: str | None) -> Draft202012Validator:
    from jsonschema import Draft202012Validator

    root = schema(name)
    if definition is None:
        return Draft202012Validator(root)
    return Draft202012Validator({"$defs": root["$defs"], "$ref": f"#/$defs/{definition}"})


def location(path: Iterable[str | int]) -> str:
    """``["experiments", 0, "expect", 1]`` → ``experiments[0].expect[1]``."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            name = _key(part)
            text += f".{name}" if text else name
    return text


def _key(name: str) -> str:
    """A key as a message names it: a file's own keys may be long, or not printable."""
    if not name.isprintable():
        name = ascii(name)[1:-1]
    return name if len(name) <= 40 else name[:37] + "…"


def _shown(value: Any) -> str:
    text = repr(value) if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 40 else text[:37] + "…"


def _plural(count: int, noun: str) -> str:
    return f"one {noun}" if count == 1 else f"{count} {noun}s"


def describe(error: ValidationError) -> str:
    """What is wrong, in the file's own terms (the schema's ``title`` names a value's kind)."""
    keyword: Any = error.validator
    expected: Any = error.validator_value
    value: Any = error.instance
    rule: Any = error.schema
    title = rule.get("title") if isinstance(rule, Mapping) else None
    if keyword == "required":
        missing = [field for field in expected if field not in value]
        return f"missing field {missing[0]!r}" if missing else error.message
    if keyword == "additionalProperties":
        known = rule.get("properties", {})
        unknown = sorted(set(value) - set(known))
        return f"unknown field {unknown[0]!r} (allowed: {', '.join(known)})"
    if keyword == "enum":
        allowed = ", ".join(str(option) for option in expected)
        return f"unknown {title or 'value'} {_shown(value)} (allowed: {allowed})"
    if keyword == "type":
        kinds = [expected] if isinstance(expected, str) else expected
        wanted = " or ".join(_TYPES.get(kind, kind) for kind in kinds)
        return f"expected {wanted}, got {_shown(value)}"
    if keyword in ("minimum", "exclusiveMinimum", "maximum", "exclusiveMaximum"):
        bound = {
            "minimum": "at least",
            "exclusiveMinimum": "above",
            "maximum": "at most",
            "exclusiveMaximum": "below",
        }[keyword]
        return f"must be {bound} {expected:g}, got {_shown(value)}"
    if keyword == "minItems":
        return f"needs at least {_plural(expected, title or 'item')}"
    if keyword == "maxItems":
        return f"has {len(value)} items, at most {expected} allowed"
    if keyword == "uniqueItems":
        return "lists the same value twice"
    if keyword == "minLength":
        return "must not be empty"
    if keyword == "pattern":
        return f"{_shown(value)} is not allowed here (it must match {expected})"
    return error.message


def problem(
    name: str,
    data: Any,
    *,
    definition: str | None = None,
    at: Iterable[str | int] = (),
) -> str | None:
    """The first thing wrong with ``data`` as one line (None if nothing is).

    ``definition`` checks against one of the schema's ``$defs`` (a single task, say) and
    ``at`` is where that item sits in the file, so the line still names the whole path.
    """
    from jsonschema.exceptions import best_match

    error = best_match(_validator(name, definition).iter_errors(data))
    if error is None:
        return None
    where = location([*at, *error.absolute_path])
    return f"{where}: {describe(error)}" if where else describe(error)
