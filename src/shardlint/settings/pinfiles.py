"""Requirements as a project writes them down, read statically from each file format.

Nothing is executed: ``setup.py`` is read with ``ast`` (literal lists only), TOML lock
files line by line (they can be megabytes long), the rest with their own small grammar.
Each reader returns :class:`Requirement` items for the libraries shardlint targets.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Callable, Iterator, NamedTuple

LIBRARIES = ("accelerate", "deepspeed", "transformers", "trl")

# requirement files by name; the folder walk also reads requirements*/ folders' *.txt
FILE_NAMES = ("pyproject.toml", "setup.cfg", "setup.py", "environment.yml", "environment.yaml",
              "uv.lock", "poetry.lock", "pdm.lock")
# patterns are left to re to compile (and cache) on first use: most runs read no requirement file
_MENTIONS = r"(?i)\b(accelerate|deepspeed|transformers|trl)\b"


class Requirement(NamedTuple):
    library: str
    spec: str        # PEP 440 clauses, e.g. ">=4.40,<5"; "" for any version
    line: int        # 1-based
    locked: bool = False  # a lock file's resolved version


def normalise_name(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _library(name: str) -> str | None:
    name = normalise_name(name)
    return name if name in LIBRARIES else None


_PEP508 = r"""\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[[^\]]*\])?\s*(\(?[^;@#]*?\)?)\s*(?:;.*)?\s*$"""


def parse_requirement(text: str) -> tuple[str, str] | None:
    """``"transformers[torch]>=4.40,<5 ; python_version>'3.8'"`` -> ``("transformers", ">=4.40,<5")``.

    A direct reference (``name @ url``) has no version to read and gives ``None``.
    """
    text = text.split(" #", 1)[0].strip()
    if "@" in text.split(";", 1)[0]:
        return None
    match = re.match(_PEP508, text)
    if not match:
        return None
    library = _library(match.group(1))
    if library is None:
        return None
    return library, match.group(2).strip().strip("()").replace(" ", "")


def _line_of(lines: list[str], needle: str, start: int = 0) -> int:
    """The 1-based line holding ``needle`` (first from ``start``), else ``start + 1``."""
    for number in range(start, len(lines)):
        if needle in lines[number]:
            return number + 1
    return start + 1


def read_requirements_txt(text: str, path: Path, included: Callable[[Path], None] | None = None) -> list[Requirement]:
    """pip's format; ``-r``/``-c`` includes are reported to ``included`` to be read in turn."""
    out = []
    lines = text.splitlines()
    logical, first = "", 0
    for number, raw in enumerate(lines, 1):
        if not logical:
            first = number
        stripped = raw.split(" #", 1)[0].rstrip() if not raw.lstrip().startswith("#") else ""
        if stripped.endswith("\\"):
            logical += stripped[:-1] + " "
            continue
        logical += stripped
        entry, logical = logical.strip(), ""
        if not entry:
            continue
        include = re.match(r"(?:-r|-c|--requirement|--constraint)(?:\s+|=)(\S+)", entry)
        if include:
            if included is not None:
                included(path.parent / include.group(1))
            continue
        if entry.startswith("-"):
            continue
        found = parse_requirement(entry)
        if found:
            out.append(Requirement(found[0], found[1], first))
    return out


def _poetry_spec(value: Any) -> str | None:
    """A Poetry constraint (``"^4.40"``, ``"~4.40"``, ``{version = "..."}``) as PEP 440 clauses."""
    if isinstance(value, dict):
        value = value.get("version")
    if not isinstance(value, str):
        return None
    clauses = []
    for part in re.split(r"\s*,\s*|\s+(?=[<>=!~^])", value.strip()):
        if part in ("", "*"):
            continue
        caret = re.fullmatch(r"\^\s*(\d+(?:\.\d+)*)", part)
        tilde = re.fullmatch(r"~(?!=)\s*(\d+(?:\.\d+)*)", part)
        if caret or tilde:
            numbers = [int(n) for n in (caret or tilde).group(1).split(".")]  # type: ignore[union-attr]
            if caret:
                index = next((i for i, n in enumerate(numbers) if n), len(numbers) - 1)
            else:
                index = min(1, len(numbers) - 1) if len(numbers) > 1 else 0
            upper = numbers[:index] + [numbers[index] + 1]
            clauses += [f">={'.'.join(map(str, numbers))}", f"<{'.'.join(map(str, upper))}"]
        elif re.fullmatch(r"\d+(?:\.\d+)*", part):
            clauses.append(f"=={part}")
        else:
            clauses.append(part.replace(" ", ""))
    return ",".join(clauses)


def read_pyproject(text: str, path: Path) -> list[Requirement]:
    """PEP 621 dependencies and optional dependencies, PEP 735 groups, Poetry and PDM tables."""
    from shardlint.settings.tomlfile import parse_toml

    try:
        data = parse_toml(text, path)
    except ValueError:
        data = {}
    lines = text.splitlines()
    out = []
    strings: list[str] = []
    project = data.get("project") if isinstance(data.get("project"), dict) else {}
    strings += _string_list(project.get("dependencies"))
    for group in _dict(project.get("optional-dependencies")).values():
        strings += _string_list(group)
    for group in _dict(data.get("dependency-groups")).values():
        strings += _string_list(group)
    tool = _dict(data.get("tool"))
    for group in _dict(_dict(tool.get("pdm")).get("dev-dependencies")).values():
        strings += _string_list(group)
    for entry in strings:
        found = parse_requirement(entry)
        if found:
            out.append(Requirement(found[0], found[1], _line_of(lines, entry)))
    poetry = _dict(tool.get("poetry"))
    tables = [_dict(poetry.get("dependencies")), _dict(poetry.get("dev-dependencies"))]
    tables += [_dict(_dict(g).get("dependencies")) for g in _dict(poetry.get("group")).values()]
    for table in tables:
        for name, value in table.items():
            library, spec = _library(name), _poetry_spec(value)
            if library and spec is not None:
                line = next((i + 1 for i, l in enumerate(lines) if re.match(rf"\s*[\"']?{re.escape(name)}[\"']?\s*=", l)), 1)
                out.append(Requirement(library, spec, line))
    return out


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _string_list(value: Any) -> list[str]:
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def read_setup_cfg(text: str, path: Path) -> list[Requirement]:
    """``install_requires`` and ``extras_require`` of ``[options]`` (one requirement per line)."""
    out = []
    section, option = "", ""
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.split("#", 1)[0].split(";", 1)[0].rstrip() if not raw.lstrip().startswith(("#", ";")) else ""
        header = re.match(r"\s*\[([^\]]+)\]", line)
        if header:
            section, option = header.group(1).strip(), ""
            continue
        if not line.strip():
            continue
        if not raw[:1].isspace():
            key, sep, value = line.partition("=")
            if not sep:
                key, sep, value = line.partition(":")
            option = key.strip()
            line = value
        wanted = (section == "options" and option == "install_requires") or section == "options.extras_require"
        if wanted and line.strip():
            found = parse_requirement(line.strip())
            if found:
                out.append(Requirement(found[0], found[1], number))
    return out


def read_setup_py(text: str, path: Path) -> list[Requirement]:
    """Literal strings of ``install_requires`` / ``extras_require`` in ``setup(...)``, or the
    module-level list or dict a keyword names. Read with ``ast``; never run."""
    import ast

    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return []
    assigned: dict[str, ast.expr] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            assigned[node.targets[0].id] = node.value
    out = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        for keyword in node.keywords:
            if keyword.arg not in ("install_requires", "extras_require", "tests_require"):
                continue
            value = keyword.value
            if isinstance(value, ast.Name):
                value = assigned.get(value.id, value)
            for item in _literal_strings(value, assigned):
                found = parse_requirement(item.value)
                if found:
                    out.append(Requirement(found[0], found[1], item.lineno))
    return out


def _literal_strings(node: Any, assigned: dict[str, Any]) -> Iterator[Any]:
    import ast

    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        yield node
    elif isinstance(node, (ast.List, ast.Tuple, ast.Set)):
        for item in node.elts:
            yield from _literal_strings(item, assigned)
    elif isinstance(node, ast.Dict):
        for item in node.values:
            yield from _literal_strings(assigned.get(item.id, item) if isinstance(item, ast.Name) else item, assigned)
    elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        for side in (node.left, node.right):
            yield from _literal_strings(assigned.get(side.id, side) if isinstance(side, ast.Name) else side, assigned)


_CONDA_ITEM = r"\s*-\s*['\"]?([A-Za-z0-9][A-Za-z0-9._:-]*)\s*((?:[=<>!~]=?|===)[^#'\"]*)?['\"]?\s*(?:#.*)?$"


def read_environment_yml(text: str, path: Path) -> list[Requirement]:
    """Conda ``dependencies`` (``transformers=4.40`` is conda's fuzzy ``4.40.*``) and their ``pip:`` list."""
    out = []
    for number, raw in enumerate(text.splitlines(), 1):
        match = re.match(_CONDA_ITEM, raw)
        if not match:
            continue
        library = _library(match.group(1).split("::")[-1])
        if library is None:
            continue
        spec = (match.group(2) or "").strip().replace(" ", "")
        conda = re.fullmatch(r"=(\d+(?:\.\d+)*)(?:\.\*)?(?:=\S*)?", spec)
        if conda:  # conda's single '=' pins a version prefix
            spec = f"=={conda.group(1)}.*"
        out.append(Requirement(library, spec, number))
    return out


_LOCK_PACKAGE = r'(?m)^\[\[package\]\]\s*$'
_LOCK_NAME = r'(?m)^name\s*=\s*"([^"]+)"\s*$'
_LOCK_VERSION = r'(?m)^version\s*=\s*"([^"]+)"\s*$'


def read_lock(text: str, path: Path) -> list[Requirement]:
    """The resolved versions of ``[[package]]`` entries in uv.lock, poetry.lock or pdm.lock."""
    out = []
    starts = [m.start() for m in re.finditer(_LOCK_PACKAGE, text)] + [len(text)]
    for begin, end in zip(starts, starts[1:]):
        block = text[begin:end]
        name = re.search(_LOCK_NAME, block)
        version = re.search(_LOCK_VERSION, block)
        library = _library(name.group(1)) if name else None
        if library and version:
            line = text.count("\n", 0, begin + version.start()) + 1
            out.append(Requirement(library, f"=={version.group(1)}", line, locked=True))
    return out


READERS: dict[str, Callable[[str, Path], list[Requirement]]] = {
    "pyproject.toml": read_pyproject, "setup.cfg": read_setup_cfg, "setup.py": read_setup_py,
    "environment.yml": read_environment_yml, "environment.yaml": read_environment_yml,
    "uv.lock": read_lock, "poetry.lock": read_lock, "pdm.lock": read_lock,
}


def mentions_a_library(text: str) -> bool:
    """A cheap test before parsing: does the text name a targeted library at all?"""
    return re.search(_MENTIONS, text) is not None
