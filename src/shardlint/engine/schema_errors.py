"""A rule file's schema errors in words that name the missing piece.

jsonschema's own message for a failed ``contains`` repeats the whole example
list; a contributor needs to read "a rule with a fix needs an example with
`fixed:`" instead.
"""

from __future__ import annotations

from typing import Any

# the `required` list of an `examples` contains-clause in rule.schema.json -> what it asks for
_MISSING_EXAMPLE = {
    ("bad",): "a rule needs an example with `bad:` (text it fires on) and `line:` (where)",
    ("good",): "a rule needs an example with `good:` (text it stays quiet on)",
    ("bad", "fixed"): "a rule with a fix needs an example with `fixed:` (its `bad:` text after the fix)",
}
_DEPENDENCIES = {
    "bad": "an example with `bad:` needs `line:`, the 1-based line where the rule fires",
    "fixed": "an example with `fixed:` needs `bad:`, the text the fix is applied to",
}


def explain(error: Any) -> str:
    """The message for a ``jsonschema`` ValidationError of a rule file."""
    path = list(error.absolute_path)
    if error.validator == "contains" and path == ["examples"]:
        required = tuple(error.validator_value.get("required", ()))
        return _MISSING_EXAMPLE.get(required, error.message)
    if error.validator == "dependentRequired":
        for key, needs in error.validator_value.items():
            if key in error.instance and any(n not in error.instance for n in needs):
                return _DEPENDENCIES.get(key, error.message)
    if error.validator == "oneOf" and len(path) == 2 and path[0] == "examples":
        return "an example has either `bad:` or `good:` (one of them, not both)"
    if error.validator == "minItems" and path == ["examples"]:
        return "a rule needs at least two examples: one `bad:` and one `good:`"
    if error.validator == "required" and path == ["fix"] and "fix-safety" in error.validator_value:
        return "an unsafe fix needs `fix-safety:`, one line saying why it is unsafe (from the rationale)"
    if error.validator == "not" and path == ["fix"] and "fix-safety" in error.instance:
        return "`fix-safety:` says why a fix is unsafe; a safe fix has none"
    if error.validator == "pattern" and path == ["id"]:
        return f"{error.instance!r} is not a rule code: an upper-case prefix and three digits, such as ORG101"
    return error.message
