"""Rules are skipped on files that lack the top-level keys their predicate cannot be true without."""

from __future__ import annotations

from pathlib import Path

from shardlint.document import Document
from shardlint.engine.context import Context
from shardlint.engine.predicates import key_alternatives, required_of
from shardlint.engine.registry import load_ruleset
from shardlint.options import FileOptions


def required_keys(spec: object) -> frozenset[str]:
    """The keys every alternative needs."""
    return required_of(key_alternatives(spec))


def test_required_keys_of_atoms_and_combinations() -> None:
    assert required_keys({"path": "fsdp_config.fsdp_version", "equals": 2}) == {"fsdp_config"}
    assert required_keys({"key": "zero_optimization.*", "in": ["a"]}) == {"zero_optimization"}
    assert required_keys({"all": [{"path": "a.b", "exists": True}, {"path": "c", "truthy": True}]}) == {"a", "c"}
    # each of these can be true with the key absent
    for spec in ({"path": "a", "exists": False}, {"effective": "a", "equals": 1}, {"linked": "a", "exists": True},
                 {"fact": "world_size", "gt": 1}, {"not": {"path": "a", "exists": True}},
                 {"any": [{"path": "a", "exists": True}, {"path": "b", "exists": True}]},
                 {"path": "*.x", "exists": True}):
        assert required_keys(spec) == frozenset()


def test_key_alternatives_of_any_and_all() -> None:
    a, b, c = ({"path": key, "exists": True} for key in "abc")
    assert key_alternatives(a) == ({"a"},)
    assert key_alternatives({"any": [a, b]}) == ({"a"}, {"b"})
    assert key_alternatives({"all": [c, {"any": [a, b]}]}) == ({"a", "c"}, {"b", "c"})
    # an alternative that needs nothing makes the whole `any` need nothing; a larger set is implied by a smaller
    assert key_alternatives({"any": [a, {"fact": "zero-stage", "equals": 3}]}) == (frozenset(),)
    assert key_alternatives({"any": [a, {"all": [a, b]}]}) == ({"a"},)
    # too many combinations: only what every one needs
    many = {"all": [{"any": [{"path": f"{x}{i}", "exists": True} for i in range(5)]} for x in "xy"] + [c]}
    assert key_alternatives(many) == ({"c"},)


def _without_one_key_of_each(alternatives: tuple[frozenset[str], ...], pick: int) -> set[str]:
    keys = set().union(*alternatives)
    for alternative in alternatives:
        ordered = sorted(alternative)
        keys.discard(ordered[pick % len(ordered)])
    return keys


def test_a_predicate_is_false_without_one_of_its_key_sets() -> None:
    """Every bundled rule's predicate is false on a file that lacks a key of each set it may need."""
    for rule in load_ruleset().rules:
        rule.ready()
        if rule.requires == (frozenset(),):
            continue
        kind = "deepspeed" if "deepspeed" in rule.applies_to else "accelerate"
        for pick in (0, -1):
            keys = _without_one_key_of_each(rule.requires, pick)
            assert not rule.can_fire(frozenset(keys)), rule.id
            doc = Document(Path("x.yaml"), "x.yaml", "", "yaml", kind=kind)
            doc.data = {key: {} for key in keys}
            assert rule.when is not None and not rule.when(Context(doc, FileOptions()), ()), rule.id


def test_facts_read_by_a_condition() -> None:
    from shardlint.engine.predicates import facts_read

    spec = {"all": [{"fact": "deepspeed-runner", "in": ["trainer"]},
                    {"any": [{"path": "a", "exists": True}, {"not": {"fact": "zero-stage", "equals": 3}}]}]}
    assert facts_read(spec) == {"deepspeed-runner", "zero-stage"}
    assert facts_read({"path": "a", "equals": 1}) == frozenset()
    assert "deepspeed-runner" in load_ruleset().by_id["HF106"].facts
