"""The config rules, run on the configuration a launch really runs with.

Flags change the configuration a config file describes (``--fsdp_use_orig_params false``,
``--zero3_init_flag true``, ``--dynamo_backend inductor``), so the FSDP and DeepSpeed-plugin
rules run on the merged flag and file values.  A finding is kept only where the value it
points at came from a flag, and it is reported at that flag: findings on the file's own values
are the file's, reported when the file is checked.  Flag values stay the strings argparse
gives, so a rule reads them as the launcher does (``--fsdp_sync_module_states false`` is a
true string for the launcher's own check, reference launch.md LF12).
"""

from __future__ import annotations

from typing import Any

from shardlint.diagnostics import Diagnostic
from shardlint.document import Document
from shardlint.launch.effective import UNKNOWN, Effective
from shardlint.options import FileOptions
from shardlint.semantics.launch_flags import key_path

# rule families whose rules judge values, wherever they were set; the others judge how a file is
# written (keys the launcher ignores in YAML, links, schema), which a flag cannot do
FAMILIES = ("FSDP", "DSA")
# DSA rules about the deepspeed_config_file link itself or about YAML-only values (A48: a YAML
# mixed_precision beside the file is refused, a --mixed_precision flag is not)
FILE_ONLY = frozenset({"DSA100", "DSA101", "DSA102"})


def _canonical(key: str) -> str:
    """A dotted key as the launcher reads it (``fp8_config.backend`` is ``fp8_config.fp8_backend``)."""
    return ".".join(key_path(key))


def _first_flag_in(section: str, chosen: dict[str, Any]) -> Any:
    """For a finding about a whole section (``fsdp_config``): the first flag that set a key in it."""
    return next((s for key, s in chosen.items() if key.startswith(section + ".") and s.source == "flag"), None)


def config_rule_findings(result: Effective, script: Document, options: FileOptions) -> list[Diagnostic]:
    import yaml

    from shardlint.engine import evaluate
    from shardlint.engine.registry import load_ruleset
    from shardlint.loading.yaml_loader import load_yaml

    chosen = {_canonical(s.key): s for s in result.settings if s.source in ("flag", "yaml") and s.value is not UNKNOWN}
    if not any(s.source == "flag" for s in chosen.values()):
        return []
    data: dict[str, Any] = {}
    for key, setting in chosen.items():
        node = data
        *parents, last = key.split(".")
        for part in parents:
            node = node.setdefault(part, {})
            if not isinstance(node, dict):
                break
        else:
            node[last] = setting.value
    text = yaml.safe_dump(data, sort_keys=False)
    merged = Document(script.path, script.display_path, text, "yaml", kind="accelerate")
    merged.data, merged.positions, _ = load_yaml(text)
    rules = load_ruleset().by_id
    out = []
    for found in evaluate(merged, options).diagnostics:
        if not found.code.startswith(FAMILIES) or found.code in FILE_ONLY:
            continue
        rule = rules.get(found.code)
        pointed = len(rule.at[0]) if rule is not None and rule.at else 0
        if pointed > len(found.path.split(".")):
            # about a key no layer sets (a tip on its default): the config file's own finding when there
            # is one; otherwise the launch's, shown at its paradigm flag
            paradigm = result.get("distributed_type")
            if result.config is not None or paradigm is None or paradigm.word is None:
                continue
            word = paradigm.word
        else:
            setting = chosen.get(_canonical(found.path)) or _first_flag_in(found.path, chosen)
            if setting is None or setting.source != "flag" or setting.word is None:
                continue
            word = setting.word
        where = script.index.range(word.start, word.end)
        out.append(Diagnostic(found.code, found.severity, f"{found.message} (in this launch)", where,
                              found.path, docs_url=found.docs_url))
    return out
