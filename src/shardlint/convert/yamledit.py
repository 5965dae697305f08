"""Apply a plan to the YAML text with ruamel.yaml's round-trip mode.

Keys and comments the plan does not touch keep their order and wording; comments that
lived inside a replaced section move into the note block instead of vanishing, and the
comment lines that trailed the section (they belong to the next top-level key) stay put.
"""

from __future__ import annotations

import io
import re
from typing import Any

import yaml as pyyaml
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedBase, CommentedMap, CommentedSeq
from ruamel.yaml.error import CommentMark
from ruamel.yaml.representer import RoundTripRepresenter
from ruamel.yaml.scalarstring import SingleQuotedScalarString
from ruamel.yaml.tokens import CommentToken

from shardlint.convert.notes import BLOCK_HEADER, BLOCK_INDENT, EOL_MARK, comment_block
from shardlint.convert.model import Entry, Plan


def _yaml(text: str) -> tuple[YAML, int]:
    yaml = YAML()
    yaml.preserve_quotes = True
    yaml.allow_duplicate_keys = True
    yaml.width = 4096
    mapping, sequence, offset = _indentation(text)
    yaml.indent(mapping=mapping, sequence=sequence, offset=offset)
    yaml.explicit_start = text.lstrip().startswith("---")
    if re.search(r":[ \t]+null[ \t]*(#.*)?$", text, flags=re.M):
        yaml.Representer = _NullSpelledOut  # keep the file's spelling of null
    return yaml, mapping


class _NullSpelledOut(RoundTripRepresenter):
    """ruamel writes null as an empty value; this subclass writes ``null`` (a subclass, because
    ``add_representer`` on ruamel's own class would change it for every user in the process)."""


_NullSpelledOut.add_representer(
    type(None), lambda rep, _: rep.represent_scalar("tag:yaml.org,2002:null", "null"))


def _indentation(text: str) -> tuple[int, int, int]:
    """The file's own mapping indent and block-sequence dash offset, so untouched lines stay."""
    mapping, offset = 2, 0
    lines = text.splitlines()
    for before, line in zip(lines, lines[1:]):
        parent = re.match(r"^( *)[^\s#-][^:#]*:\s*(#.*)?$", before)
        if not parent:
            continue
        child = re.match(r"^( *)(- )?\S", line)
        if child and len(child.group(1)) > len(parent.group(1)):
            step = len(child.group(1)) - len(parent.group(1))
            if child.group(2):
                offset = step
            else:
                mapping = step
                break
    return mapping, max(mapping, offset + 2), offset


def _scalar(value: Any) -> Any:
    """Quote strings that YAML 1.1 (PyYAML, i.e. Accelerate) would read as something else."""
    if isinstance(value, str) and pyyaml.safe_load(value) != value:
        return SingleQuotedScalarString(value)
    return value


def _same(current: Any, value: Any) -> bool:
    """Whether ``current`` already is ``value`` (a quoted string is a ``str`` subclass: its quoting stays)."""
    return current == value and (type(current) is type(value) or isinstance(current, str))


def apply(text: str, plan: Plan) -> str:
    yaml, indent = _yaml(text)
    root = yaml.load(text)
    scrub_notes(root)
    if "distributed_type" in root:
        root["distributed_type"] = plan.distributed_type
    else:
        root.insert(0, "distributed_type", plan.distributed_type)
    if plan.in_place and isinstance(root.get(plan.section), CommentedMap):
        carried = _edit_in_place(root[plan.section], plan, indent)
    else:
        carried = _replace_section(root, plan, indent)
    carried += _apply_top_level(root, plan)
    before = comment_block(plan.title, plan.notes, carried)
    root.yaml_set_comment_before_after_key(plan.section, before=before, indent=0)
    out = io.StringIO()
    yaml.dump(root, out)
    result = out.getvalue()
    result = result if result.endswith("\n") else result + "\n"
    return result.replace("\n", "\r\n") if "\r\n" in text else result


# ---------------------------------------------------------------- sections
def _new_section(entries: list[Entry], indent: int) -> CommentedMap:
    section = CommentedMap()
    for entry in entries:
        section[entry.key] = _scalar(entry.value)
        _comment(section, entry, indent)
    return section


def _comment(section: CommentedMap, entry: Entry, indent: int) -> None:
    """Say where the value came from, unless the user has an end-of-line comment there; the
    comment lines below the key stay."""
    if not entry.comment:
        return
    item = section.ca.items.get(entry.key)
    old = item[2] if item and len(item) > 2 else None
    first, _, rest = old.value.partition("\n") if old is not None else ("", "", "")
    if first.strip() and not first.lstrip("# ").startswith(EOL_MARK):
        return
    width = len(pyyaml.safe_dump({entry.key: entry.value}, default_flow_style=False).rstrip("\n"))
    section.yaml_add_eol_comment(f"{EOL_MARK} {entry.comment}", entry.key, column=indent + width + 2)
    if rest.strip():
        token = section.ca.items[entry.key][2]
        token.value = token.value.rstrip("\n") + "\n" + rest


def _replace_section(root: CommentedMap, plan: Plan, indent: int) -> list[str]:
    """Put the target section where the source one was; return the comments that lived in it."""
    old_names = [name for name in (*plan.drop_sections, plan.section) if name in root]
    position = min((list(root).index(name) for name in old_names), default=len(root))
    carried: list[str] = []
    trailing = ""
    for name in old_names:
        old = root[name]
        if isinstance(old, CommentedMap) and old:
            trailing += _pop_trailing(old)
        carried += _comment_lines(old, _item_tokens(root, name))
        root.ca.items.pop(name, None)
        del root[name]
    new = _new_section(plan.entries, indent)
    root.insert(min(position, len(root)), plan.section, new)
    if trailing:
        _append_after(root, plan.section, trailing)
    return carried


def _edit_in_place(section: CommentedMap, plan: Plan, indent: int) -> list[str]:
    carried: list[str] = []
    for key in plan.remove_keys:
        if key in section:  # an edited text has it removed already
            carried += _delete(section, key)
    for entry in plan.entries:
        replaced = entry.replaces if entry.replaces in section else entry.key
        if replaced in section and (replaced != entry.key or isinstance(section[replaced], CommentedBase)):
            # a different key, or a collection where a scalar belongs: its comments go to the note block
            position = list(section).index(replaced)
            carried += _delete(section, replaced)
            section.insert(position, entry.key, _scalar(entry.value))
        elif entry.key in section:
            if not _same(section[entry.key], entry.value):  # an edited text may hold it already
                section[entry.key] = _scalar(entry.value)
        else:
            section.insert(0 if entry.key == "fsdp_version" else len(section), entry.key, _scalar(entry.value))
        _comment(section, entry, indent)
    return carried


def _delete(mapping: CommentedMap, key: str) -> list[str]:
    """Delete ``key``.  Full-line comments after it stay where they were (they now follow the
    previous key); its own end-of-line comment is returned for the note block."""
    keys = list(mapping)
    index = keys.index(key)
    carried = _comment_lines(mapping[key], _item_tokens(mapping, key))
    item = mapping.ca.items.pop(key, None)
    del mapping[key]
    token = item[2] if item and len(item) > 2 else None
    if token is None:
        return carried
    first, _, rest = token.value.partition("\n")
    if first.strip():
        carried.insert(0, first.strip())
    if rest.strip():
        if index > 0:
            _append_after(mapping, keys[index - 1], rest)
        else:
            carried += [line.strip() for line in rest.split("\n") if line.strip()]
    return carried


def _pop_trailing(section: CommentedMap) -> str:
    """Remove and return the column-0 comment lines after the section's last key: they belong
    to the next top-level key of the file."""
    key = list(section)[-1]
    value = section[key]
    if isinstance(value, CommentedMap) and value:
        return _pop_trailing(value)
    item = section.ca.items.get(key)
    token = item[2] if item and len(item) > 2 else None
    if token is None:
        return ""
    first, _, rest = token.value.partition("\n")
    lines = rest.split("\n")
    cut = next((i for i, line in enumerate(lines) if line.startswith("#")), None)
    if cut is None:
        return ""
    while cut > 0 and not lines[cut - 1].strip():  # blank lines before it travel with it
        cut -= 1
    kept = first + "\n" + "".join(line + "\n" for line in lines[:cut] if line.strip())
    if kept.strip():
        token.value = kept
    else:
        item[2] = None
    return "\n".join(lines[cut:])


def _append_after(mapping: CommentedMap, key: str, text: str) -> None:
    """Attach comment lines after ``key``'s value (after its last nested key, if a mapping)."""
    value = mapping[key]
    if isinstance(value, CommentedMap) and value:
        _append_after(value, list(value)[-1], text)
        return
    item = mapping.ca.items.setdefault(key, [None, None, None, None])
    if item[2] is None:
        item[2] = CommentToken("\n" + text, CommentMark(0), None)
    else:
        item[2].value = item[2].value.rstrip("\n") + "\n" + text


# ---------------------------------------------------------------- top level
def _apply_top_level(root: CommentedMap, plan: Plan) -> list[str]:
    carried: list[str] = []
    for key, value in plan.top_level.items():
        if key in root:
            root[key] = _scalar(value)
        else:
            root.insert(list(root).index("distributed_type") + 1, key, _scalar(value))
    parallelism = root.get("parallelism_config")
    if not isinstance(parallelism, CommentedMap):
        return carried
    for key, value in plan.parallelism_set.items():
        parallelism[key] = value
    if not plan.parallelism_remove:
        return carried
    if all(key in plan.parallelism_remove for key in parallelism):
        trailing = _pop_trailing(parallelism) if parallelism else ""
        index = list(root).index("parallelism_config")
        carried += _delete(root, "parallelism_config")
        if trailing and index > 0:
            _append_after(root, list(root)[index - 1], trailing)
        return carried
    for key in plan.parallelism_remove:
        if key in parallelism:
            carried += _delete(parallelism, key)
    return carried


# ---------------------------------------------------------------- comments
def _tokens(node: Any):
    """Every comment token in a round-trip tree."""
    if not isinstance(node, CommentedBase):
        return
    ca = node.ca
    if ca.comment:
        for slot in ca.comment:
            yield from _slot_tokens(slot)
    for item in ca.items.values():
        for slot in item:
            yield from _slot_tokens(slot)
    children = node.values() if isinstance(node, CommentedMap) else node if isinstance(node, CommentedSeq) else ()
    for child in children:
        yield from _tokens(child)


def _slot_tokens(slot: Any):
    if isinstance(slot, CommentToken):
        yield slot
    elif isinstance(slot, list):
        for token in slot:
            if isinstance(token, CommentToken):
                yield token


_SUPPRESSION = re.compile(r"#\s*shardlint\s*:", re.IGNORECASE)


def _comment_lines(node: Any, extra: tuple[CommentToken, ...] = ()) -> list[str]:
    """The user's comments inside a section that is going away, one per line, as written.
    Suppression comments are not carried: the keys they silenced are gone."""
    lines: list[str] = []
    tokens = {id(token): token for token in (*extra, *_tokens(node))}
    for token in tokens.values():
        for line in token.value.split("\n"):
            line = line.strip()
            if line.startswith("#") and not _ours(line) and not _SUPPRESSION.search(line):
                lines.append(line)
    return lines


def _ours(line: str) -> bool:
    return line.startswith(BLOCK_HEADER) or line.lstrip("# ").startswith(EOL_MARK)


def _item_tokens(mapping: CommentedMap, key: str) -> tuple[CommentToken, ...]:
    """Comments ruamel keeps on ``key``'s own line and just below it (not those after its value)."""
    item = mapping.ca.items.get(key) or []
    return tuple(token for slot in (item[1:2] + item[3:4]) for token in _slot_tokens(slot))


def scrub_notes(root: Any) -> None:
    """Drop the note block and end-of-line notes of an earlier conversion, so notes never pile up."""
    for token in _tokens(root):
        first, newline, rest = token.value.partition("\n")
        # an end-of-line note of a key the FSDP1 -> FSDP2 edits dropped stays as a comment line
        kept = "\n".join(line for line in rest.split("\n") if not line.strip().startswith(f"# {EOL_MARK}"))
        if first.lstrip("# ").startswith(EOL_MARK):
            token.value = newline + kept if kept.strip() else newline
        elif kept != rest:
            token.value = first + newline + kept
        if BLOCK_HEADER not in token.value:
            continue
        kept, inside = [], False
        for line in token.value.split("\n"):
            stripped = line.lstrip()
            if stripped.startswith(BLOCK_HEADER):
                inside = True
                continue
            if inside and stripped.startswith(BLOCK_INDENT):
                continue
            inside = False
            kept.append(line)
        token.value = "\n".join(kept)

