"""Training arguments as a script receives them: its command-line words and the recipe they name.

``HfArgumentParser`` reads ``--name value``, ``--name=value`` and, for a boolean field, a bare
``--name`` (``nargs="?"``, ``const=True``; ``hf_argparser.py:_parse_dataclass_field``). A recipe
is named either as the single positional YAML/JSON argument (alignment-handbook's
``parse_yaml_file(sys.argv[1])``, with later arguments overriding it) or by ``--config FILE``
(TRL's ``TrlParser``, which recognises only that exact separate token, ``trl/scripts/utils.py``;
command-line values override the file). Values keep their text; :func:`typed` reads them as the
field's type, the way the parser would.
"""

from __future__ import annotations

from typing import Any, NamedTuple

RECIPE_SUFFIXES = (".yaml", ".yml", ".json")
_TRUE = frozenset({"yes", "true", "t", "y", "1"})    # transformers.hf_argparser.string_to_bool
_FALSE = frozenset({"no", "false", "f", "n", "0"})


class Token(NamedTuple):
    text: str | None   # None: not known statically ($VAR)
    start: int
    end: int


class Given(NamedTuple):
    name: str
    value: Any                  # the text as written (True for a bare switch); see typed()
    name_span: tuple[int, int]  # the field name inside its token (without the dashes)
    value_span: tuple[int, int] | None


class ScriptArguments(NamedTuple):
    given: list[Given]               # command-line training arguments, in order
    recipe: Token | None             # the recipe file's token
    recipe_how: str | None           # "positional" | "--config"
    unknown: bool                    # a word not known statically may stand for more arguments


def read_script_arguments(tokens: list[Token]) -> ScriptArguments:
    given: list[Given] = []
    recipe: Token | None = None
    how: str | None = None
    unknown = False
    i = 0
    while i < len(tokens):
        token = tokens[i]
        text = token.text
        if text is None:
            unknown = True
            i += 1
            continue
        if text == "--config" and i + 1 < len(tokens) and tokens[i + 1].text is not None:
            recipe, how = tokens[i + 1], "--config"
            i += 2
            continue
        if text.startswith("--") and len(text) > 2:
            name, sep, value = text[2:].partition("=")
            name_span = (token.start + 2, token.start + 2 + len(name))
            if sep:
                given.append(Given(name, value, name_span, (token.start + 3 + len(name), token.end)))
                i += 1
                continue
            following = tokens[i + 1] if i + 1 < len(tokens) else None
            if following is None or (following.text is not None and following.text.startswith("--")):
                given.append(Given(name, True, name_span, None))
                i += 1
                continue
            given.append(Given(name, following.text, name_span, (following.start, following.end)))
            i += 2
            continue
        if i == 0 and text.lower().endswith(RECIPE_SUFFIXES):
            recipe, how = token, "positional"
        i += 1
    return ScriptArguments(given, recipe, how, unknown)


def typed(value: Any, types: list[str]) -> Any:
    """A command-line value as the field's type reads it (strings otherwise stay strings)."""
    if not isinstance(value, str):
        return value
    lowered = value.lower()
    if "boolean" in types and (lowered in _TRUE or lowered in _FALSE):
        return lowered in _TRUE
    if "integer" in types:
        try:
            return int(value)
        except ValueError:
            pass
    if "number" in types:
        try:
            return float(value)
        except ValueError:
            pass
    if "null" in types and value == "None":
        return None
    return value
