"""Reading ``[tool.shardlint]`` (pyproject.toml) or a ``.shardlint.toml`` into :class:`Settings`.

Every problem is a :class:`ConfigError` that names the file and the setting.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any, Callable

from shardlint.diagnostics import Severity
from shardlint.loading.files import read_regular
from shardlint.loading.limits import MAX_FILE_BYTES
from shardlint.options import DEEPSPEED_RUNNERS
from shardlint.settings.globs import check_pattern
from shardlint.settings.model import PROJECT_FILE, ConfigError, Settings
from shardlint.settings.selectors import FAMILIES, SelectionLayer, check_selector

TARGET_LIBRARIES = ("accelerate", "deepspeed", "transformers", "trl")
# patterns are compiled by re on first use: most runs read no configuration
_VERSION = r"\d{1,9}(\.\d{1,9}){0,2}"  # bounded, so that int() takes every part


# [tool.shardlint], [tool.shardlint.x], tool.shardlint.x = ..., or shardlint = {...} under [tool]
_MAY_HAVE_TABLE = r"""(?m)tool\s*\.\s*["']?shardlint|^\s*["']?shardlint["']?\s*=\s*\{"""


def table_of(path: Path) -> dict[str, Any] | None:
    """The shardlint table of ``path``, or ``None`` for a pyproject.toml without one."""
    try:
        data = read_regular(path)
        if len(data) > MAX_FILE_BYTES:
            raise ConfigError(f"{path}: cannot read the configuration: larger than {MAX_FILE_BYTES} bytes")
        text = data.decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:  # a FIFO or device is refused, not read
        raise ConfigError(f"{path}: cannot read the configuration: {exc}") from None
    if path.name == PROJECT_FILE and not re.search(_MAY_HAVE_TABLE, text):
        return None  # no spelling of a [tool.shardlint] table is there: skip parsing the TOML
    from shardlint.settings.tomlfile import parse_toml

    try:
        data = parse_toml(text, path)
    except ValueError as exc:
        raise ConfigError(f"{path}: {exc}") from None
    if path.name != PROJECT_FILE:
        return data
    table = data.get("tool", {}).get("shardlint") if isinstance(data.get("tool"), dict) else None
    if table is not None and not isinstance(table, dict):
        raise ConfigError(f"{path}: [tool.shardlint] must be a table")
    return table


def _strings(value: Any, what: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"must be a list of {what}, e.g. [\"FSDP\", \"DS101\"]"
                         if what == "rule codes or prefixes" else f"must be a list of {what}")
    return tuple(value)


def _selectors(value: Any, families: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(check_selector(s, families) for s in _strings(value, "rule codes or prefixes"))


def _globs(value: Any) -> tuple[str, ...]:
    globs = _strings(value, "glob strings")
    for pattern in globs:
        check_pattern(pattern)
    return globs


def _severity_level(value: Any) -> Severity:
    if not isinstance(value, str):
        raise ValueError("must be one of \"error\", \"warning\", \"info\", \"hint\"")
    return Severity.parse(value)


def _severities(value: Any, families: tuple[str, ...]) -> tuple[tuple[str, Severity], ...]:
    if not isinstance(value, dict):
        raise ValueError("must be a table of rule code or prefix = \"error\" | \"warning\" | \"info\" | \"hint\"")
    out = []
    for selector, level in value.items():
        try:
            out.append((check_selector(selector, families), _severity_level(level)))
        except ValueError as exc:
            raise ValueError(f"{selector}: {exc}") from None
    return tuple(out)


def _per_file_ignores(value: Any, families: tuple[str, ...]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    if not isinstance(value, dict):
        raise ValueError("must be a table of glob = [rule codes or prefixes]")
    out = []
    for pattern, codes in value.items():
        try:
            check_pattern(pattern)
            out.append((pattern, _selectors(codes, families)))
        except ValueError as exc:
            raise ValueError(f"{pattern!r}: {exc}") from None
    return tuple(out)


def parse_target(value: Any) -> dict[str, str]:
    """``{accelerate = "1.6"}`` or ``"accelerate=1.6,deepspeed=0.15"`` as a library -> version map."""
    if isinstance(value, str):
        pairs: dict[str, Any] = {}
        for item in filter(None, (part.strip() for part in value.split(","))):
            library, sep, version = item.partition("=")
            if not sep:
                raise ValueError(f"{item!r} is not library=version (e.g. accelerate=1.6)")
            pairs[library.strip()] = version.strip()
        value = pairs
    if not isinstance(value, dict):
        raise ValueError("must be a table such as {accelerate = \"1.6\", deepspeed = \"0.15\"}")
    out = {}
    for library, version in value.items():
        if library not in TARGET_LIBRARIES:
            raise ValueError(f"unknown library {library!r} (use {', '.join(TARGET_LIBRARIES)})")
        if not isinstance(version, str) or not re.fullmatch(_VERSION, version):
            raise ValueError(f"{library}: {version!r} is not a version string such as \"1.6\"")
        out[library] = version
    return out


def _runner(value: Any) -> str:
    if value not in DEEPSPEED_RUNNERS:
        raise ValueError(f"must be one of {', '.join(repr(r) for r in DEEPSPEED_RUNNERS)}")
    return str(value)


def _gpu_memory(value: Any) -> int:
    from shardlint.estimate.units import parse_bytes

    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise ValueError("must be a size such as \"80GiB\"")
    return parse_bytes(value)


def _rule_paths(value: Any, root: Path | None) -> tuple[tuple[Path, ...], tuple[str, ...]]:
    """The project's rule folders (relative to the configuration's folder) and the code prefixes they use."""
    from shardlint.engine.registry import RuleFileError, project_families

    base = root if root is not None else Path.cwd()
    paths = tuple(Path(os.path.abspath(base / entry)) for entry in _strings(value, "folders of rule files"))
    try:
        return paths, project_families(paths)
    except RuleFileError as exc:
        raise ValueError(str(exc)) from None


# settings whose values name rule codes: checked against shardlint's families and the project's
_NAMES_CODES = frozenset({"select", "extend-select", "ignore", "severity", "per-file-ignores"})
_FIELDS: dict[str, tuple[str, Callable[..., Any]]] = {
    "select": ("select", _selectors),
    "extend-select": ("extend_select", _selectors),
    "ignore": ("ignore", _selectors),
    "severity": ("severity", _severities),
    "per-file-ignores": ("per_file_ignores", _per_file_ignores),
    "include": ("include", _globs),
    "exclude": ("exclude", _globs),
    "target": ("target", parse_target),
    "deepspeed-runner": ("deepspeed_runner", _runner),
    "fail-level": ("fail_level", _severity_level),
    "gpu-memory": ("gpu_memory", _gpu_memory),
    "show": ("show", _severity_level),
}
SETTING_NAMES = (*_FIELDS, "rule-paths")


def settings_from_table(table: dict[str, Any], source: str, root: Path | None) -> Settings:
    """Validate a shardlint table; ``source`` names it in error messages."""
    values: dict[str, Any] = {}
    families = FAMILIES
    if "rule-paths" in table:
        try:
            values["rule_paths"], values["rule_families"] = _rule_paths(table["rule-paths"], root)
        except ValueError as exc:
            raise ConfigError(f"{source}: rule-paths: {exc}") from None
        families += values["rule_families"]
    for key, raw in table.items():
        if key == "tool" and isinstance(raw, dict):
            raise ConfigError(f"{source}: settings go at the top level of this file, without [tool.shardlint]")
        if key == "rule-paths":
            continue
        if key not in _FIELDS:
            import difflib

            close = difflib.get_close_matches(key.replace("_", "-"), SETTING_NAMES, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else f" (known: {', '.join(SETTING_NAMES)})"
            raise ConfigError(f"{source}: unknown setting {key!r}{hint}")
        name, convert = _FIELDS[key]
        try:
            values[name] = convert(raw, families) if key in _NAMES_CODES else convert(raw)
        except ValueError as exc:
            raise ConfigError(f"{source}: {key}: {exc}") from None
    selection = None
    if {"select", "extend_select", "ignore"} & values.keys():
        selection = SelectionLayer(values.pop("select", None), values.pop("extend_select", ()),
                                   values.pop("ignore", ()))
    return Settings(source=source, root=root, selection=selection, **values)


def load_file(path: Path) -> Settings | None:
    """Settings from a configuration file, or ``None`` for a pyproject.toml that has none."""
    table = table_of(path)
    if table is None:
        return None
    where = f"{path} [tool.shardlint]" if path.name == PROJECT_FILE else str(path)
    return settings_from_table(table, where, Path(os.path.abspath(path)).parent)
