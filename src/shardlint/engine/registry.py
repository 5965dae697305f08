"""Rule files on disk, their validation, and the compiled bundle read at start-up.

Rule files (``rules/<family>/<ID>-<name>.yaml``) are the source of truth.
Parsing ~150 YAML files and validating them with jsonschema would cost more
than linting, so ``rules/rules.json`` holds their evaluation fields, generated
by ``python -m shardlint.engine.build``.  In a source checkout the bundle is
used only while its fingerprint of the YAML files still matches; otherwise the
YAML files are read (and validated) directly, so an edited rule takes effect at
once.  A malformed rule file fails loudly with its path and the problem.

A project adds rules of its own in the same format from the folders its
configuration names in ``rule-paths``: declarative only, with code prefixes
that are not shardlint's.  They are read from their YAML files when a file
using that configuration is first linted, and read again when they change.
"""

from __future__ import annotations

import os
import zlib
import re
from functools import cache
from pathlib import Path
from typing import Any

from shardlint.bundle import BUNDLE_FORMAT, BUNDLE_NAME, derived_from_bundle
from shardlint.diagnostics import Severity
from shardlint.engine.context import Context
from shardlint.engine.rules import RUNTIME_FIELDS, Rule, RuleError, compile_rule
from shardlint.families import BUILTIN_FAMILIES, BUILTIN_PREFIXES, CODE, prefix_of
from shardlint.resources import data_dir
from shardlint.settings.model import ConfigError

# compiled by re on first use: a run from the bundle reads no rule file
_FILE_NAME = rf"(?P<id>{CODE.pattern})-(?P<name>[a-z0-9]+(?:-[a-z0-9]+)*)\.yaml\Z"


class RuleFileError(Exception):
    """A rule file that cannot be used: ``path: problem``."""

    def __init__(self, path: Path, problem: str) -> None:
        super().__init__(f"{path}: {problem}")
        self.path = path
        self.problem = problem


class ProjectRuleError(RuleFileError, ConfigError):
    """A project's own rule file that cannot be used; a configuration error to every front end."""


class RuleSet:
    def __init__(self, rules: list[Rule]) -> None:
        self.rules = rules
        self.by_id = {r.id: r for r in rules}
        self.by_kind: dict[str, list[Rule]] = {}
        for rule in rules:
            if not rule.builtin:
                for kind in ("accelerate", "deepspeed", "recipe"):
                    if kind in rule.applies_to or "any" in rule.applies_to:
                        self.by_kind.setdefault(kind, []).append(rule)
        self._candidates: dict[Any, list[Rule]] = {}

    def candidates(self, ctx: Context, top_keys: Any) -> list[Rule]:
        """The declarative rules that may fire on the document of ``ctx``, in order: those of its kind
        and targeted versions whose needed top-level keys it holds.  Remembered by kind, top-level keys
        and targets, which an editor's re-lints and most files of a run share."""
        key = (ctx.kind, frozenset(top_keys), tuple(ctx.target.items()))
        hit = self._candidates.get(key)
        if hit is None:
            if len(self._candidates) >= _MAX_CANDIDATE_LISTS:
                self._candidates.clear()
            hit = self._candidates[key] = [rule for rule in self.by_kind.get(ctx.kind or "", ())
                                           if rule.can_fire(top_keys) and rule.applies(ctx)]
        return hit


_MAX_CANDIDATE_LISTS = 512


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
    import json

    return json.loads((data_dir("schemas") / "rule.schema.json").read_text(encoding="utf-8"))


def _load_yaml(path: Path) -> Any:
    import yaml

    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise RuleFileError(path, f"cannot be read as YAML: {exc}") from None


def read_rule_file(path: Path) -> dict[str, Any]:
    """Parse and validate one rule file against ``schemas/rule.schema.json``."""
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import best_match

    from shardlint.engine.schema_errors import explain

    spec = _load_yaml(path)
    if not isinstance(spec, dict):
        raise RuleFileError(path, "a rule file must be a mapping")
    error = best_match(Draft202012Validator(rule_schema()).iter_errors(spec))
    if error is not None:
        where = "/".join(str(p) for p in error.absolute_path) or "(top level)"
        if where.startswith(("when", "at", "message", "fix")):
            _compile(path, spec)  # the compiler names a bad predicate, template or fix more precisely
        raise RuleFileError(path, f"at {where}: {explain(error)}")
    match = re.match(_FILE_NAME, path.name)
    if not match or match["id"] != spec["id"] or match["name"] != spec["name"]:
        raise RuleFileError(path, f"the file must be named {spec['id']}-{spec['name']}.yaml")
    return spec


def runtime_fields(spec: dict[str, Any]) -> dict[str, Any]:
    return {k: spec[k] for k in RUNTIME_FIELDS if k in spec}


def _check_family(path: Path, code: str) -> None:
    """A code of shardlint's own sits in its family's folder and number block."""
    family = next((f for f in BUILTIN_FAMILIES if f.folder == path.parent.name), None)
    if family is None:
        known = ", ".join(f.folder for f in BUILTIN_FAMILIES)
        raise RuleFileError(path, f"rules/{path.parent.name}/ is not a rule family (they are: {known})")
    if not re.fullmatch(family.codes, code):
        raise RuleFileError(path, f"{code} does not belong in rules/{family.folder}/, whose codes are {family.span}")


def read_rule_files(root: Path | None = None) -> list[tuple[Path, dict[str, Any]]]:
    """shardlint's own rule files, validated."""
    out = []
    seen: dict[str, Path] = {}
    for path in rule_files(root):
        spec = read_rule_file(path)
        _check_family(path, spec["id"])
        if spec["id"] in seen:
            raise RuleFileError(path, f"{spec['id']} is already defined in {seen[spec['id']]}")
        seen[spec["id"]] = path
        out.append((path, spec))
    return out


# --- a project's own rules (rule-paths) ---------------------------------------------------------

def project_rule_files(rule_paths: tuple[Path, ...]) -> list[Path]:
    """The ``*.yaml`` files of each rule-paths entry (a folder, or one rule file), in order."""
    out = []
    for entry in rule_paths:
        if os.path.isfile(entry):
            out.append(entry)
        elif os.path.isdir(entry):
            out += [entry / name for name in sorted(os.listdir(entry))
                    if name.endswith(".yaml") and not name.startswith(".")]
        else:
            raise RuleFileError(entry, "no such folder")
    return out


def _project_code(path: Path) -> str:
    """The code a project rule file's name gives it; refused when it is not the project's own."""
    match = re.match(_FILE_NAME, path.name)
    if match is None:
        raise RuleFileError(path, "a rule file is named <CODE>-<name>.yaml, such as ORG101-bf16-only.yaml "
                                  "(an upper-case prefix, three digits, a kebab-case name)")
    code = match["id"]
    prefix = prefix_of(code)
    if prefix in BUILTIN_PREFIXES or prefix == "ALL":
        owner = "selects every rule" if prefix == "ALL" else "is shardlint's own"
        raise RuleFileError(path, f"the code prefix {prefix} {owner}: give the project's rules a prefix "
                                  f"of their own (not {', '.join(BUILTIN_PREFIXES)} or ALL)")
    return code


def project_families(rule_paths: tuple[Path, ...]) -> tuple[str, ...]:
    """The code prefixes the project's rule files use (from their names, without reading them)."""
    return tuple(dict.fromkeys(prefix_of(_project_code(path)) for path in project_rule_files(rule_paths)))


def read_project_rules(rule_paths: tuple[Path, ...]) -> list[tuple[Path, dict[str, Any]]]:
    """The project's rule files, validated as shardlint's own are; problems are :class:`ProjectRuleError`."""
    from shardlint.engine.rule_cache import SpecCache

    out = []
    seen: dict[str, Path] = {}
    cache = SpecCache()
    try:
        for path in project_rule_files(rule_paths):
            code = _project_code(path)
            spec = cache.spec(path, read_rule_file)
            if spec["check"] != "declarative":
                raise RuleFileError(path, f"{code}: a project's rules are declarative (check: declarative); "
                                          "shardlint runs no code from a project")
            if code in seen:
                raise RuleFileError(path, f"{code} is already defined in {seen[code]}")
            seen[code] = path
            out.append((path, spec))
    except RuleFileError as exc:
        raise ProjectRuleError(exc.path, exc.problem) from None
    finally:
        cache.save()
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
    import json

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
def builtin_ruleset() -> RuleSet:
    """shardlint's own rules, compiled once per process: from the bundle while it is current, else the YAML files."""
    root = rules_root()
    ruleset = ruleset_from_bundle(root / BUNDLE_NAME, None if _installed(root) else root)
    if ruleset is not None:
        return ruleset
    return RuleSet([_compile(path, spec) for path, spec in read_rule_files(root)])


# rule-paths -> (the files' names, modification times and sizes; shardlint's rules with the project's)
_project_rulesets: dict[tuple[Path, ...], tuple[tuple[tuple[str, int, int], ...], RuleSet]] = {}


def load_ruleset(rule_paths: tuple[Path, ...] = ()) -> RuleSet:
    """shardlint's rules, and the project's from ``rule_paths`` (read again when a file changes)."""
    builtin = builtin_ruleset()
    if not rule_paths:
        return builtin
    try:
        stamp = tuple((str(p), st.st_mtime_ns, st.st_size)
                      for p, st in ((p, os.stat(p)) for p in project_rule_files(rule_paths)))
    except RuleFileError as exc:
        raise ProjectRuleError(exc.path, exc.problem) from None
    except OSError as exc:
        raise ProjectRuleError(Path(exc.filename or "?"), f"cannot be read: {exc.strerror}") from None
    hit = _project_rulesets.get(rule_paths)
    if hit is not None and hit[0] == stamp:
        return hit[1]
    own = []
    for path, spec in read_project_rules(rule_paths):
        try:
            rule = compile_rule(spec)
        except RuleError as exc:
            raise ProjectRuleError(path, str(exc)) from None
        rule.docs = path.resolve().as_uri()
        own.append(rule)
    ruleset = RuleSet(builtin.rules + own)
    _project_rulesets[rule_paths] = (stamp, ruleset)
    return ruleset


def ruleset_from_bundle(bundle_path: Path, sources: Path | None) -> RuleSet | None:
    """The bundle's rules; ``None`` when it is missing, of another format, or (given ``sources``)
    out of date with the rule files there.

    The rules compiled for later compilation (each rule's fields, its check kept as written) are
    plain data, kept between runs (:func:`~shardlint.bundle.derived_from_bundle`) while the bundle
    and the code compiling it are unchanged.
    """
    def compiled(bundle: dict[str, Any]) -> tuple[str | None, list[dict[str, Any]]]:
        rules = [_compile(bundle_path, spec, lazy=True) for spec in bundle["rules"]]
        return bundle.get("fingerprint"), [{**vars(rule), "severity": int(rule.severity)} for rule in rules]

    found = derived_from_bundle(bundle_path, "compiled-rules", _compiler_stamp(), compiled)
    if found is None or sources is not None and found[0] != fingerprint(sources):
        return None
    return RuleSet([_restored(fields) for fields in found[1]])


def _compiler_stamp() -> tuple[tuple[int, int], ...]:
    """The size and modification time of the modules that decide a lazily compiled rule's fields."""
    from shardlint import diagnostics
    from shardlint.engine import predicates, rules

    return tuple((st.st_size, st.st_mtime_ns) for st in (os.stat(module.__file__)  # type: ignore[arg-type]
                                                          for module in (rules, predicates, diagnostics)))


_SEVERITIES = {int(severity): severity for severity in Severity}


def _restored(fields: dict[str, Any]) -> Rule:
    rule = Rule.__new__(Rule)
    rule.__dict__.update(fields)
    rule.severity = _SEVERITIES[fields["severity"]]
    return rule


def find_rule_spec(code: str, rule_paths: tuple[Path, ...] = ()) -> tuple[Path, dict[str, Any]] | None:
    """The rule file for ``code`` (case-insensitive), shardlint's or the project's; parsed but not
    schema-checked for shardlint's own, validated for the project's."""
    code = code.upper()
    if not CODE.fullmatch(code):  # also keeps glob characters out of the pattern below
        return None
    if prefix_of(code) not in BUILTIN_PREFIXES:
        try:
            found = tuple(p for p in project_rule_files(rule_paths) if p.name.startswith(f"{code}-"))
        except RuleFileError as exc:
            raise ProjectRuleError(exc.path, exc.problem) from None
        return next(((path, spec) for path, spec in read_project_rules(found) if spec["id"] == code), None)
    import yaml

    for path in rules_root().glob(f"*/{code}-*.yaml"):
        spec = yaml.load(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        if isinstance(spec, dict) and spec.get("id") == code:
            return path, spec
    return None
