"""A rule compiled for evaluation, and its evaluation on one document."""

from __future__ import annotations

from typing import Any

from shardlint.diagnostics import DOCS_BASE, Diagnostic, Fix, Severity
from shardlint.document import format_path
from shardlint.engine import paths
from shardlint.engine.context import Context
from shardlint.engine.fixing import FixBuilder, compile_fix
from shardlint.engine.messages import Renderer, compile_template
from shardlint.engine.predicates import (Predicate, TargetFilter, compile_predicate, facts_read, key_alternatives,
                                         split_invariant, target_filter)
from shardlint.engine.versions import parse_specifier, satisfies

# the fields evaluation needs; the rest of a rule file is documentation
RUNTIME_FIELDS = ("id", "name", "severity", "applies-to", "summary", "check", "when", "at", "at-part",
                  "message", "fix", "versions", "supersedes")


class RuleError(ValueError):
    """A rule that cannot be compiled; the message names the rule and the problem."""


class Rule:
    def __init__(self, id: str, name: str, severity: Severity, applies_to: frozenset[str], summary: str,
                 builtin: bool, versions: dict[str, str] | None = None, supersedes: tuple[str, ...] = (),
                 has_fix: bool = False) -> None:
        self.id = id
        self.name = name
        self.severity = severity
        self.applies_to = applies_to
        self.summary = summary
        self.builtin = builtin
        self.versions = versions or {}
        self.supersedes = supersedes
        self.has_fix = has_fix
        # compiled checks (declarative rules); ``pending`` holds a bundled rule's spec until first use
        self.when: Predicate | None = None
        # ``when`` split for evaluation: the part no target changes (tested once) and the rest
        self.invariant: Predicate | None = None
        self.per_target: Predicate | None = None
        self.target_filter: TargetFilter | None = None  # conjuncts on the value a wildcard ``at`` selects
        self.at: tuple[paths.PathPattern, ...] = ((),)
        self.at_part = "key"
        self.message: Renderer | None = None
        self.fix: FixBuilder | None = None
        self.pending: dict[str, Any] | None = None
        # sets of top-level keys: a file that holds none of them in full cannot make the rule fire
        self.requires: tuple[frozenset[str], ...] = (frozenset(),)
        self.facts: frozenset[str] = frozenset()  # the facts its condition reads
        self.docs: str | None = None  # where a project's rule is documented: its rule file

    @property
    def docs_url(self) -> str:
        return self.docs or f"{DOCS_BASE}{self.id}.md"

    def applies(self, ctx: Context) -> bool:
        if ctx.kind not in self.applies_to and "any" not in self.applies_to:
            return False
        return all(satisfies(ctx.target[lib], spec) for lib, spec in self.versions.items())

    def ready(self) -> None:
        """Compile a bundled rule's checks now; otherwise they are compiled on first use."""
        if self.pending is not None:
            _compile_checks(self, self.pending)
            self.pending = None

    def can_fire(self, top_keys: Any) -> bool:
        """Whether a file with these top-level keys holds one of the key sets the rule needs."""
        return any(keys <= top_keys for keys in self.requires)

    def evaluate(self, ctx: Context) -> list[Diagnostic]:
        self.ready()
        assert self.per_target is not None and self.message is not None
        targets = self._targets(ctx)
        if not targets or (self.invariant is not None and not self.invariant(ctx, ())):
            return []
        if self.target_filter is not None:
            targets = self.target_filter(ctx, targets)
        return [self._diagnostic(ctx, actual, value, bindings)
                for actual, value, bindings in targets if self.per_target(ctx, bindings)]

    def _targets(self, ctx: Context) -> list[tuple[tuple[Any, ...], Any, tuple[Any, ...]]]:
        first = self.at[0]
        if paths.has_wildcards(first):
            return ctx.matches(first)
        for candidate in self.at:
            found, value, written = ctx.raw(candidate)
            if found:
                return [(written, value, ())]
        return [(first, None, ())]

    def _diagnostic(self, ctx: Context, actual: tuple[Any, ...], value: Any, bindings: tuple[Any, ...]) -> Diagnostic:
        assert self.message is not None
        part = self.at_part if actual in ctx.doc.positions else "key"
        build = self.fix
        pending = None if build is None else lambda: ("", _offered(build(ctx, actual, value, bindings)))
        return Diagnostic(self.id, self.severity, self.message(ctx, actual, value, bindings),
                          ctx.doc.range(actual, part), format_path(actual), docs_url=self.docs_url,
                          pending=pending)


def _offered(fix: Fix | None) -> list[Fix]:
    """A fix whose edits came out empty is not offered."""
    return [] if fix is None else [fix]


def compile_rule(spec: dict[str, Any], lazy: bool = False) -> Rule:
    """Build a Rule from a rule file's mapping (already checked against the rule schema).

    ``lazy`` defers compiling the predicate, message and fix to the rule's first
    evaluation; only for rules from the bundle, which were compiled when it was built.
    """
    rule_id = spec.get("id", "?")
    try:
        rule = Rule(
            id=rule_id, name=spec["name"], severity=Severity.parse(spec["severity"]),
            applies_to=frozenset(spec["applies-to"]), summary=spec.get("summary", ""),
            builtin=spec.get("check", "declarative") == "builtin",
            versions=dict(spec.get("versions") or {}), supersedes=tuple(spec.get("supersedes") or ()),
            has_fix=bool(spec.get("fix")))
        for spec_text in rule.versions.values():
            parse_specifier(spec_text)
        if rule.builtin:
            return rule
        for required in ("when", "at", "message"):
            if required not in spec:
                raise RuleError(f"a declarative rule needs '{required}'")
        rule.requires = key_alternatives(spec["when"])
        rule.facts = facts_read(spec["when"])
        if lazy:
            rule.pending = spec
        else:
            _compile_checks(rule, spec)
        return rule
    except RuleError as exc:
        raise RuleError(f"rule {rule_id}: {exc}") from None
    except (KeyError, TypeError, ValueError) as exc:
        detail = f"missing field {exc}" if isinstance(exc, KeyError) else str(exc)
        raise RuleError(f"rule {rule_id}: {detail}") from None


def _compile_checks(rule: Rule, spec: dict[str, Any]) -> None:
    rule.when = compile_predicate(spec["when"])
    rule.invariant, rule.per_target = split_invariant(spec["when"])
    at = spec["at"] if isinstance(spec["at"], list) else [spec["at"]]
    rule.at = tuple(paths.parse_path(p) for p in at)
    if len(rule.at) > 1 and any(paths.has_wildcards(p) for p in rule.at):
        raise RuleError("'at' with wildcards must be a single path")
    if paths.has_wildcards(rule.at[0]):
        rule.target_filter = target_filter(spec["when"], rule.at[0])
    rule.at_part = spec.get("at-part", "key")
    rule.message = compile_template(spec["message"])
    if spec.get("fix"):
        rule.fix = compile_fix(spec["fix"])
