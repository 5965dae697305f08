"""The ``when:`` predicate language, compiled once into plain closures.

An atom selects a value with one of ``path`` (this file), ``effective`` (this
file, else Accelerate's launch default), ``fact`` (a named fact), ``linked``
(the linked DeepSpeed JSON) or ``key`` (the name of the key a path matches),
then tests it, against constants or another key's value (``equals-path``,
``equals-effective``); several tests in one atom must all hold.  ``all``,
``any`` and ``not`` combine predicates.  Values and the expected values are
normalised as the library reads the key (``as:`` overrides that), so
``equals: FULL_SHARD`` also matches ``1`` and ``full_shard``.
"""

from __future__ import annotations

import itertools
import operator
import re
from typing import Any, Callable

from shardlint.engine import paths
from shardlint.engine.context import Context, Match
from shardlint.engine.values import NORMALISERS, normaliser_for, str_to_bool
from shardlint.validation.evaluator import Validator, json_type, type_matches, unsupported_keywords
from shardlint.validation.evaluator import json_equal as same

Predicate = Callable[[Context, tuple[Any, ...]], bool]
SELECTORS = ("path", "effective", "fact", "linked", "key")
TESTS = ("exists", "equals", "equals-path", "equals-effective", "in", "not-in", "truthy", "gt", "gte", "lt", "lte",
         "matches", "type", "schema")
VALUE_TESTS = tuple(t for t in TESTS if t not in ("equals-path", "equals-effective"))  # constants only
# JSON types, plus `float`: a number spelled with a fraction or exponent, which int(str(value)) rejects
JSON_TYPES = ("string", "integer", "number", "boolean", "null", "object", "array", "float")


class PredicateError(ValueError):
    pass


# compiled predicates by their spec (``repr``): an atom that several rules write is compiled once, and
# its number keys its remembered result in ``Context.memo``, so it is evaluated once per document
_COMPILED: dict[str, Predicate] = {}
_numbers = itertools.count()


def compile_predicate(spec: Any, where: str = "when") -> Predicate:
    key = repr(spec) if isinstance(spec, dict) else None
    compiled = _COMPILED.get(key) if key is not None else None
    if compiled is None:
        compiled = _compile(spec, where)
        if key is not None:
            _COMPILED[key] = compiled
    return compiled


def _compile(spec: Any, where: str) -> Predicate:
    if not isinstance(spec, dict) or not spec:
        raise PredicateError(f"{where}: a predicate must be a non-empty mapping")
    if "all" in spec or "any" in spec or "not" in spec:
        if len(spec) != 1:
            raise PredicateError(f"{where}: 'all', 'any' and 'not' stand alone in their mapping")
        (op, arg), = spec.items()
        if op == "not":
            inner = compile_predicate(arg, f"{where}.not")
            return lambda ctx, b: not inner(ctx, b)
        if not isinstance(arg, list) or not arg:
            raise PredicateError(f"{where}.{op}: expects a non-empty list of predicates")
        parts = [compile_predicate(p, f"{where}.{op}[{i}]") for i, p in enumerate(arg)]
        if op == "all":
            return conjunction(parts)
        return lambda ctx, b: any(p(ctx, b) for p in parts)
    return _memoised(_compile_atom(spec, where), depends_on_bindings(spec))


def conjunction(parts: list[Predicate]) -> Predicate:
    if len(parts) == 1:
        return parts[0]
    return lambda ctx, b: all(p(ctx, b) for p in parts)


def _memoised(atom: Predicate, uses_bindings: bool) -> Predicate:
    """``atom``, evaluated once per document (and per bindings, when its path has wildcards)."""
    number = next(_numbers)
    if not uses_bindings:
        def remembered(ctx: Context, bindings: tuple[Any, ...]) -> bool:
            hit = ctx.memo.get(number)
            if hit is None:
                hit = ctx.memo[number] = atom(ctx, bindings)
            return hit

        return remembered

    def remembered_bound(ctx: Context, bindings: tuple[Any, ...]) -> bool:
        key = (number, bindings)
        hit = ctx.memo.get(key)
        if hit is None:
            hit = ctx.memo[key] = atom(ctx, bindings)
        return hit

    return remembered_bound


def depends_on_bindings(spec: Any) -> bool:
    """Whether ``spec`` reads a path with wildcards, which the rule's ``at`` binds target by target."""
    if not isinstance(spec, dict):
        return True
    for op in ("all", "any"):
        if op in spec:
            return not isinstance(spec[op], list) or any(map(depends_on_bindings, spec[op]))
    if "not" in spec:
        return depends_on_bindings(spec["not"])
    if "fact" in spec:
        return False
    selector = next((k for k in SELECTORS if k in spec), None)
    try:
        return selector is None or paths.has_wildcards(paths.parse_path(spec[selector]))
    except (paths.PathError, AttributeError, TypeError):
        return True


def split_invariant(spec: Any) -> tuple[Predicate | None, Predicate]:
    """``spec`` as (the conjuncts no binding changes, or None; the rest).

    A rule whose ``at`` has wildcards evaluates its predicate once per target; the conjuncts of a
    top-level ``all`` that read no wildcard path have one value for every target, so they are
    tested once, before the targets, and a rule that cannot fire is left at that.
    """
    whole = compile_predicate(spec)
    if not depends_on_bindings(spec):
        return whole, _always
    if not (isinstance(spec, dict) and list(spec) == ["all"]):
        return None, whole
    parts = [(compile_predicate(p, f"when.all[{i}]"), depends_on_bindings(p)) for i, p in enumerate(spec["all"])]
    fixed = [p for p, varies in parts if not varies]
    varying = [p for p, varies in parts if varies]
    return (conjunction(fixed) if fixed else None), conjunction(varying)


def _always(ctx: Context, bindings: tuple[Any, ...]) -> bool:
    return True


# at most this many alternatives are kept for one predicate (an ``all`` of ``any`` multiplies them)
_MAX_ALTERNATIVES = 16


def key_alternatives(spec: Any) -> tuple[frozenset[str], ...]:
    """Sets of top-level keys such that ``spec`` is false on a file that holds none of them in full.

    An atom that reads a path of this file (``path`` or ``key``) fails when the path's first key is
    absent, unless it tests ``exists: false``; ``all`` needs what each of its parts needs, ``any``
    what one of its parts needs.  ``(frozenset(),)`` is no condition.  Used to skip, without running
    them, the rules a file cannot fire.
    """
    free: tuple[frozenset[str], ...] = (frozenset(),)
    if not isinstance(spec, dict):
        return free
    if "all" in spec and isinstance(spec["all"], list):
        out = free
        for part in map(key_alternatives, spec["all"]):
            combined = {a | b for a in out for b in part}
            out = tuple(combined) if len(combined) <= _MAX_ALTERNATIVES else (required_of(out) | required_of(part),)
        return _minimal(out)
    if "any" in spec and isinstance(spec["any"], list):
        return _minimal(tuple(alt for part in spec["any"] for alt in key_alternatives(part)))
    selector = "path" if "path" in spec else "key" if "key" in spec else None
    if selector is None or spec.get("exists") is False or not isinstance(spec[selector], str):
        return free
    try:
        pattern = paths.parse_path(spec[selector])
    except paths.PathError:
        return free
    first = pattern[0] if pattern else None
    return (frozenset((first,)),) if isinstance(first, str) and not paths.is_wild(first) else free


def facts_read(spec: Any) -> frozenset[str]:
    """The facts a condition reads (``{fact: deepspeed-runner, ...}`` anywhere in it)."""
    if isinstance(spec, list):
        return frozenset().union(*map(facts_read, spec))
    if not isinstance(spec, dict):
        return frozenset()
    own = frozenset((spec["fact"],)) if isinstance(spec.get("fact"), str) else frozenset()
    return own.union(*(facts_read(value) for value in spec.values() if isinstance(value, (dict, list))))


def required_of(alternatives: tuple[frozenset[str], ...]) -> frozenset[str]:
    """The keys every one of ``alternatives`` holds."""
    return frozenset.intersection(*alternatives) if alternatives else frozenset()


def _minimal(alternatives: tuple[frozenset[str], ...]) -> tuple[frozenset[str], ...]:
    """Without the alternatives that hold another in full (a file holding them holds it too), sorted."""
    unique = set(alternatives)
    kept = [a for a in unique if not any(b < a for b in unique)]
    return tuple(sorted(kept, key=sorted))


def _compile_atom(spec: dict[str, Any], where: str) -> Predicate:
    selectors = [k for k in SELECTORS if k in spec]
    if len(selectors) != 1:
        raise PredicateError(f"{where}: an atom needs exactly one of {', '.join(SELECTORS)}")
    selector = selectors[0]
    unknown = set(spec) - set(SELECTORS) - set(TESTS) - {"as"}
    if unknown:
        raise PredicateError(f"{where}: unknown predicate key(s) {', '.join(sorted(unknown))}")
    tests = [(k, spec[k]) for k in TESTS if k in spec]
    if not tests:
        raise PredicateError(f"{where}: an atom needs a test ({', '.join(TESTS)})")
    as_name = spec.get("as")
    if as_name is not None and as_name != "raw" and as_name not in NORMALISERS:
        raise PredicateError(f"{where}: unknown 'as' {as_name!r} (one of raw, {', '.join(NORMALISERS)})")
    select = _selector(selector, spec[selector], as_name, where)
    checks = [_test(name, arg, where) for name, arg in tests]

    if len(checks) == 1:
        check = checks[0]

        def atom_of_one_test(ctx: Context, bindings: tuple[Any, ...]) -> bool:
            for found, value, normalise in select(ctx, bindings):
                if check(ctx, bindings, found, value, normalise):
                    return True
            return False

        return atom_of_one_test

    def atom(ctx: Context, bindings: tuple[Any, ...]) -> bool:
        for found, value, normalise in select(ctx, bindings):
            if all(check(ctx, bindings, found, value, normalise) for check in checks):
                return True
        return False

    return atom


Normalise = Callable[[Any], Any]
Selection = Callable[[Context, tuple[Any, ...]], Any]


def _identity(value: Any) -> Any:
    return value


def _normaliser(as_name: str | None) -> Callable[[tuple[Any, ...], str | None], Normalise]:
    """How a path's value is read: as ``as:`` says, else as the library reads that key."""
    fixed = None if as_name in (None, "raw") else NORMALISERS[as_name]

    def normaliser(path: tuple[Any, ...], kind: str | None) -> Normalise:
        if fixed is not None:
            return fixed
        if as_name == "raw":
            return _identity
        return normaliser_for(kind, tuple(path)) or _identity

    return normaliser


TargetFilter = Callable[[Context, list[Match]], list[Match]]


def target_filter(spec: Any, at: paths.PathPattern) -> TargetFilter | None:
    """For the conjuncts of ``spec`` (an atom, or the parts of a top-level ``all``) that test only the
    value at the rule's ``at`` itself: a filter that drops the targets whose own value fails them.

    Such an atom, bound to a target, reads the target's own value (where ``Context.reads_as_selected``
    says a lookup finds it); testing it on the selected values spares the rest of the predicate, and
    the binding and lookup, on most targets of a wide ``at`` such as ``*.**``.  None without such conjuncts.
    """
    parts = spec["all"] if isinstance(spec, dict) and list(spec) == ["all"] else [spec]
    tests = [(_normaliser(part.get("as")), [_value_test(name, part[name], "when") for name in VALUE_TESTS if name in part])
             for part in parts
             if isinstance(part, dict) and isinstance(part.get("path"), str)
             and set(part) <= {"path", "as", *VALUE_TESTS} and paths.parse_path(part["path"]) == at]
    if not tests:
        return None

    def holds(kind: str | None, actual: tuple[Any, ...], value: Any) -> bool:
        for normaliser, checks in tests:
            norm = normaliser(actual, kind)
            read = norm(value)
            for check in checks:
                if not check(True, read, norm):
                    return False
        return True

    def keep(ctx: Context, targets: list[Match]) -> list[Match]:
        kind, plain = ctx.kind, ctx.reads_as_selected
        return [target for target in targets if not plain(target[0]) or holds(kind, target[0], target[1])]

    return keep


def _selector(selector: str, arg: Any, as_name: str | None, where: str) -> Selection:
    fixed = None if as_name in (None, "raw") else NORMALISERS[as_name]
    if selector == "fact":
        from shardlint.engine.facts import FACTS

        if arg not in FACTS:
            raise PredicateError(f"{where}: unknown fact {arg!r} (known: {', '.join(sorted(FACTS))})")
        norm = fixed or _identity

        def select_fact(ctx: Context, bindings: tuple[Any, ...]) -> Any:
            value = ctx.fact(arg)
            return ((value is not None, norm(value) if value is not None else None, norm),)

        return select_fact
    if not isinstance(arg, str):
        raise PredicateError(f"{where}: {selector} expects a key path string")
    try:
        pattern = paths.parse_path(arg)
    except paths.PathError as exc:
        raise PredicateError(f"{where}: {exc}") from None
    normaliser = _normaliser(as_name)

    def each(hits: list[Match], aliases: bool, kind: str | None) -> Any:
        """The values a pattern with wildcards selects, each read as its key is read."""
        out = []
        for actual, value, _ in hits:
            norm = normaliser(_canonical(actual, aliases), kind)
            out.append((True, norm(value), norm))
        return out or _NOTHING

    wild = paths.has_wildcards(pattern)

    def concrete(bindings: tuple[Any, ...]) -> tuple[paths.PathPattern, bool]:
        """The pattern with the target's bindings in place, and whether wildcards are left."""
        if not wild:
            return pattern, False
        bound = paths.bind(pattern, bindings)
        return bound, paths.has_wildcards(bound)

    if selector == "key":
        def select_key(ctx: Context, bindings: tuple[Any, ...]) -> Any:
            path, _ = concrete(bindings)
            if not path:
                return _NOTHING
            return [(True, _canonical(actual, ctx.aliases)[-1], _identity)
                    for actual, _, _ in ctx.matches(path)] or _NOTHING

        return select_key
    if selector == "linked":
        def select_linked(ctx: Context, bindings: tuple[Any, ...]) -> Any:
            doc = ctx.linked
            if doc is None:
                return _NOTHING
            path, left = concrete(bindings)
            if left:
                return each(ctx.matches(path, linked=True), False, "deepspeed")
            found, value, _ = paths.lookup(doc.data, path, False)
            norm = normaliser(path, "deepspeed")
            return ((found, norm(value) if found else None, norm),)

        return select_linked
    effective = selector == "effective"

    def select_value(ctx: Context, bindings: tuple[Any, ...]) -> Any:
        path, left = concrete(bindings)
        if left:
            return each(ctx.matches(path), ctx.aliases, ctx.kind)
        found, value, _ = ctx.raw(path)
        norm = normaliser(path, ctx.kind)
        if not found and effective:
            found, value = ctx.effective(path)
        return ((found, norm(value) if found else None, norm),)

    return select_value


_NOTHING = ((False, None, _identity),)


def _canonical(actual: tuple[Any, ...], aliases: bool) -> tuple[Any, ...]:
    if aliases and len(actual) >= 2 and isinstance(actual[1], str):
        return (actual[0], paths.canonical_key(actual[0], actual[1])) + actual[2:]
    return actual


Check = Callable[[Context, tuple[Any, ...], bool, Any, Normalise], bool]


def _number(value: Any) -> int | float | None:
    """``value`` when it is a JSON number (booleans are not), else ``None``."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return value


def _test(name: str, arg: Any, where: str) -> Check:
    if name in ("equals-path", "equals-effective"):
        return _equals_other(name, arg, where)
    check = _value_test(name, arg, where)
    return lambda ctx, bindings, found, value, norm: check(found, value, norm)


def _equals_other(name: str, arg: Any, where: str) -> Check:
    """The value equals another key's value, read as that key is read; false when either is absent."""
    try:
        other = paths.parse_path(arg) if isinstance(arg, str) else None
    except paths.PathError as exc:
        raise PredicateError(f"{where}: {exc}") from None
    if other is None or paths.has_wildcards(other):
        raise PredicateError(f"{where}: {name} expects a key path without wildcards")
    effective = name == "equals-effective"

    def check(ctx: Context, bindings: tuple[Any, ...], found: bool, value: Any, norm: Normalise) -> bool:
        if not found:
            return False
        concrete = paths.bind(other, bindings)
        if effective:
            other_found, other_value = ctx.effective(concrete)
        else:
            other_found, raw, _ = ctx.raw(concrete)
            other_value = ctx.normalise(concrete, raw) if other_found else None
        return other_found and same(value, other_value)

    return check


ValueCheck = Callable[[bool, Any, Normalise], bool]


def _value_test(name: str, arg: Any, where: str) -> ValueCheck:
    if name == "exists":
        if not isinstance(arg, bool):
            raise PredicateError(f"{where}: exists expects true or false")
        return lambda found, value, norm: found is arg
    if name == "equals":
        return lambda found, value, norm: found and same(value, norm(arg))
    if name in ("in", "not-in"):
        if not isinstance(arg, list):
            raise PredicateError(f"{where}: {name} expects a list")
        negate = name == "not-in"
        return lambda found, value, norm: found and (any(same(value, norm(x)) for x in arg) != negate)
    if name == "truthy":
        if not isinstance(arg, bool):
            raise PredicateError(f"{where}: truthy expects true or false")
        return lambda found, value, norm: found and str_to_bool(value) is arg
    if name in ("gt", "gte", "lt", "lte"):
        bound = _number(arg)
        if bound is None:
            raise PredicateError(f"{where}: {name} expects a number")
        compare = {"gt": operator.gt, "gte": operator.ge, "lt": operator.lt, "lte": operator.le}[name]
        # ints and floats compare exactly; float() would overflow on an integer of 309 digits or more
        return lambda found, value, norm: found and _number(value) is not None and compare(value, bound)
    if name == "matches":
        try:
            regex = re.compile(arg)
        except (re.error, TypeError) as exc:
            raise PredicateError(f"{where}: bad regular expression {arg!r}: {exc}") from None
        return lambda found, value, norm: found and isinstance(value, str) and regex.search(value) is not None
    if name == "type":
        names = arg if isinstance(arg, list) else [arg]
        if not names or any(n not in JSON_TYPES for n in names):
            raise PredicateError(f"{where}: type expects one or more of {', '.join(JSON_TYPES)}")
        return lambda found, value, norm: found and any(_is_type(value, n) for n in names)
    if name == "schema":
        return _schema_test(arg, where)
    raise PredicateError(f"{where}: unknown test {name!r}")  # pragma: no cover


def _schema_test(arg: Any, where: str) -> ValueCheck:
    """JSON Schema through the schema validator's own evaluator (no ``jsonschema`` import)."""
    if not isinstance(arg, dict):
        raise PredicateError(f"{where}: schema expects a JSON Schema mapping")
    unsupported = unsupported_keywords(arg)
    if unsupported:
        raise PredicateError(f"{where}: schema keyword(s) {', '.join(sorted(unsupported))} are not supported "
                             "(see docs/rule-format.md)")
    validator = Validator(arg)
    return lambda found, value, norm: found and validator.is_valid(value, arg)


def _is_type(value: Any, name: str) -> bool:
    if name == "float":
        return isinstance(value, float)
    return type_matches(json_type(value), name)
