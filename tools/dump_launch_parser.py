"""Dump the installed Accelerate's ``accelerate launch`` parser as JSON records (the reference shape).

Run with an interpreter that has Accelerate installed (shardlint itself never imports it):

    /path/to/venv/bin/python tools/dump_launch_parser.py > parser.json
"""

from __future__ import annotations

import argparse
import json
import sys


def main() -> None:
    import accelerate
    from accelerate.commands.launch import launch_command_parser

    parser = launch_command_parser()
    groups = {id(action): group.title for group in parser._action_groups for action in group._group_actions}
    records = []
    for action in parser._actions:
        if not action.option_strings or isinstance(action, argparse._HelpAction):
            continue
        kind = getattr(action.type, "__name__", "") if action.type is not None else ""
        records.append({
            "group": groups.get(id(action), "parser"),
            "names": list(action.option_strings),
            "type": kind if kind in ("int", "float", "bool", "str", "str_to_bool") else ("" if action.type is None else "str"),
            "default": repr(action.default),
            "action": repr("store_true") if isinstance(action, argparse._StoreTrueAction) else (
                repr("store_false") if isinstance(action, argparse._StoreFalseAction) else ""),
            "choices": repr(list(action.choices)) if action.choices is not None else "",
            "dest": action.dest,
        })
    json.dump({"accelerate": accelerate.__version__, "options": records}, sys.stdout, indent=1)


if __name__ == "__main__":
    main()
