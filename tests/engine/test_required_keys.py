"""Rules are skipped on files that lack a top-level key their predicate cannot be true without."""

from __future__ import annotations

from pathlib import Path

from shardlint.document import Document
from shardlint.engine.context import Context
from shardlint.engine.predicates import required_keys
from shardlint.engine.registry import load_ruleset
from shardlint.options import FileOptions


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


def test_a_predicate_is_false_without_its_required_keys() -> None:
    """Every bundled rule's predicate is false on a file that has all but one of its required keys."""
    for rule in load_ruleset().rules:
        rule.ready()
        for missing in rule.requires:
            kind = "deepspeed" if "deepspeed" in rule.applies_to else "accelerate"
            doc = Document(Path("x.yaml"), "x.yaml", "", "yaml", kind=kind)
            doc.data = {key: {} for key in rule.requires if key != missing}
            assert rule.when is not None and not rule.when(Context(doc, FileOptions()), ()), rule.id
