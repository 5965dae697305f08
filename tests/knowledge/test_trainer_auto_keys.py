"""Every DeepSpeed key the newest transformers Trainer fills from "auto" is one the DeepSpeed schema accepts as "auto".

The snapshot lists the keys ``HfTrainerDeepSpeedConfig`` fills (``fill_match`` /
``fill_only`` in integrations/deepspeed.py); the schema marks the "auto" it accepts with
``x-shardlint-auto``. A key the Trainer starts filling in a new release fails here until
the schema accepts "auto" for it.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.knowledge.snapshots import resolve, schema, snapshot


def _accepts_auto(root: dict[str, Any], node: dict[str, Any]) -> bool:
    node = resolve(root, node)
    if node.get("x-shardlint-auto") or node.get("const") == "auto" or "auto" in node.get("enum", []):
        return True
    return any(_accepts_auto(root, branch) for branch in node.get("anyOf", []) + node.get("oneOf", []))


def _node(root: dict[str, Any], path: str) -> dict[str, Any] | None:
    node: dict[str, Any] = root
    for part in path.split("."):
        props = resolve(root, node).get("properties", {})
        candidates = [props.get(part)] + [resolve(root, b).get("properties", {}).get(part)
                                           for b in resolve(root, node).get("anyOf", [])]
        found = next((c for c in candidates if c is not None), None)
        if found is None:
            return None
        node = found
    return node


@pytest.mark.parametrize("key", sorted(snapshot("transformers")["deepspeed_auto_keys"]))
def test_trainer_filled_key_accepts_auto(key):
    root = schema("deepspeed-config")
    node = _node(root, key)
    if node is None:  # inside a free-form section (optimizer/scheduler params depend on the type)
        parent = _node(root, key.rsplit(".", 1)[0])
        assert parent is not None, f"{key}: its section is unknown to the schema"
        assert resolve(root, parent).get("additionalProperties", True) is not False, f"{key} would be refused"
        return
    assert _accepts_auto(root, node), f"the Trainer fills {key} from \"auto\" but the schema refuses \"auto\" there"
