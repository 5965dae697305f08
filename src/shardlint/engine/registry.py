"""Rule files on disk, their validation, and the compiled bundle read at start-up.

Rule files (``rules/<family>/<ID>-<name>.yaml``) are the source of truth.
Parsing ~150 YAML files and validating them with jsonschema would cost more
than linting, so ``rules/rules.json`` holds their evaluation fields, generated
by ``python -m shardlint.engine.build``.  In a source checkout the bundle is
used only while its fingerprint of the YAML files still matches; otherwise the
YAML files are read (and validated) directly, so an edited rule takes effect at
once.  A malformed rule file fails loudly with its path and the problem.
"""

from __future__ import annotations

import json
import os
import zlib
import re
from functools import cache
from pathlib import Path
from typing import Any

from shardlint.engine.rules import RUNTIME_FIELDS, Rule, RuleError, compile_rule
from shardlint.resources import data_dir

BUNDLE_NAME = "rules.json"
BUNDLE_FORMAT = 1
_RULE_ID = re.compile(r"[A-Z]+[0-9]{3}")
_FILE_NAME = re.compile(rf"(?P<id>{_RULE_ID.pattern})-(?P<name>[a-z0-9]+(?:-[a-z0-9]+)*)\.yaml\Z")


class RuleFileError(Exception):
    """A rule file that cannot be used: ``path: problem``."""

    def __init__(self, path: Path, problem: str) -> None:
        super().__init__(f"{path}: {problem}")
        self.path = path
        self.problem = problem


class RuleSet:
    def __init__(self, rules: list[Rule]) -> None:
        self.rules = rules
        self.by_id = {r.id: r for r in rules}
        self.by_kind: dict[str, list[Rule]] = {}
        for rule in rules:
            if not rule.builtin:
                for kind in ("accelerate", "deepspeed"):
                    if kind in rule.applies_to or "any" in rule.applies_to:
                        self.by_kind.setdefault(kind, []).append(rule)


def rules_root() -> Path:
    return data_dir("rules")


def _relative_rule_files(root: Path) -> list[str]:
    """``family/ID-name.yaml`` for every rule file, sorted (plain os calls: this runs at start-up)."""
    out = []
    for family in sorted(os.listdir(root)):
        folder = os.path.join(root, family)
        if not family.startswith(".") and os.path.isdir(folder):
            out += [f"{family}/{name}" for name in sorted(os.listdir(folder)) if name.endswith(".yaml")]
    return out


def rule_files(root: Path | None = None) -> list[Path]:
    root = root or rules_root()
    return [root / rel for rel in _relative_rule_files(root)]


def fingerprint(root: Path) -> str:
    """A checksum of the rule files' names and bytes (change detection, not security)."""
    names = _relative_rule_files(root)
    crc = 0
    for rel in names:
        crc = zlib.crc32(rel.encode() + b"\0", crc)
        with open(os.path.join(root, rel), "rb") as handle:
            crc = zlib.crc32(handle.read() + b"\0", crc)
    return f"{len(names)}-{crc:08x}"


@cache
def rule_schema() -> dict[str, Any]:
    return json.loads((data_dir("schemas") / "rule.schema.json").read_text(encoding="utf-8"))


def read_rule_file(path: Path) -> dict[str, Any]:
    """Parse and validate one rule file against ``schemas/rule.schema.json``."""
    import yaml
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import best_match

    try:
        spec = yaml.load(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise RuleFileError(path, f"cannot be read as YAML: {exc}") from None
    if not isinstance(spec, dict):
        raise RuleFileError(path, "a rule file must be a mapping")
    error = best_match(Draft202012Validator(rule_schema()).iter_errors(spec))
    if error is not None:
        where = "/".join(str(p) for p in error.absolute_path) or "(top level)"
        if where.startswith(("when", "at", "message", "fix")):
            _compile(path, spec)  # the compiler names a bad predicate, template or fix more precisely
        raise RuleFileError(path, f"at {where}: {error.message}")
    match = _FILE_NAME.match(path.name)
    if not match or match["id"] != spec["id"] or match["name"] != spec["name"]:
        raise RuleFileError(path, f"the file must be named {spec['id']}-{spec['name']}.yaml")
    return spec


def runtime_fields(spec: dict[str, Any]) -> dict[str, Any]:
    return {k: spec[k] for k in RUNTIME_FIELDS if k in spec}


def read_rule_files(root: Path | None = None) -> list[tuple[Path, dict[str, Any]]]:
    out = []
    seen: dict[str, Path] = {}
    for path in rule_files(root):
        spec = read_rule_file(path)
        if spec["id"] in seen:
            raise RuleFileError(path, f"{spec['id']} is already defined in {seen[spec['id']]}")
        seen[spec["id"]] = path
        out.append((path, spec))
    return out


def build_bundle(root: Path | None = None) -> dict[str, Any]:
    root = root or rules_root()
    specs = read_rule_files(root)
    for path, spec in specs:
        _compile(path, spec)
    return {"format": BUNDLE_FORMAT, "fingerprint": fingerprint(root),
            "generated-by": "python -m shardlint.engine.build",
            "rules": [runtime_fields(spec) for _, spec in specs]}


def bundle_text(bundle: dict[str, Any]) -> str:
    return json.dumps(bundle, indent=1, ensure_ascii=False, sort_keys=False) + "\n"


def _compile(path: Path, spec: dict[str, Any], lazy: bool = False) -> Rule:
    try:
        return compile_rule(spec, lazy)
    except RuleError as exc:
        raise RuleFileError(path, str(exc)) from None


def _installed(root: Path) -> bool:
    """True inside an installed wheel, where the bundle is built and shipped together."""
    return Path(__file__).resolve().parents[1] in root.resolve().parents


@cache
def load_ruleset() -> RuleSet:
    """Every rule, compiled once per process: from the bundle while it is current, else the YAML files."""
    root = rules_root()
    ruleset = ruleset_from_bundle(root / BUNDLE_NAME, None if _installed(root) else root)
    if ruleset is not None:
        return ruleset
    return RuleSet([_compile(path, spec) for path, spec in read_rule_files(root)])


def ruleset_from_bundle(bundle_path: Path, sources: Path | None) -> RuleSet | None:
    """The bundle's rules; ``None`` when it is missing, of another format, or (given ``sources``)
    out of date with the rule files there."""
    if not bundle_path.is_file():
        return None
    bundle = json.loads(bundle_path.read_text(encoding="utf-8"))
    if bundle.get("format") != BUNDLE_FORMAT:
        return None
    if sources is not None and bundle.get("fingerprint") != fingerprint(sources):
        return None
    return RuleSet([_compile(bundle_path, spec, lazy=True) for spec in bundle["rules"]])


def find_rule_spec(code: str) -> tuple[Path, dict[str, Any]] | None:
    """The rule file for ``code`` (case-insensitive), parsed but not schema-checked."""
    import yaml

    code = code.upper()
    if not _RULE_ID.fullmatch(code):  # also keeps glob characters out of the pattern below
        return None
    for path in rules_root().glob(f"*/{code}-*.yaml"):
        spec = yaml.load(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        if isinstance(spec, dict) and spec.get("id") == code:
            return path, spec
    return None
