"""Where things sit in one document's text (YAML block and flow style, JSON), and the minimal edits
that change one of them while every other byte stays put."""

from __future__ import annotations

import json
from typing import Any

from shardlint.diagnostics import TextEdit
from shardlint.document import Document, KeyPath, Node
from shardlint.fixes.scalars import plain_is_string, yaml_fragment, yaml_scalar


class Layout:
    """Where things sit in one document's text; builds the edits."""

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.text = doc.text
        self.json = doc.syntax == "json"
        self.newline = "\r\n" if "\r\n" in doc.text else "\n"
        self.children: dict[KeyPath, list[KeyPath]] = {}
        for path in doc.positions:
            if path:
                self.children.setdefault(path[:-1], []).append(path)
        for kids in self.children.values():
            kids.sort(key=lambda p: self._start(doc.positions[p]))

    @staticmethod
    def _start(node: Node) -> int:
        return node.key.start if node.key is not None else node.value.start

    def editable(self, path: KeyPath) -> bool:
        """False where an edit would reach through a YAML anchor, alias, tag or merge key.

        An aliased or merged node's position is where its anchor sits, so editing it
        there would change every place that refers to it.
        """
        if self.json:
            return True
        for depth in range(1, len(path) + 1):
            here = path[:depth]
            node = self.doc.positions.get(here)
            if node is None or node.key is None:
                return node is not None or depth == len(path)
            if self.text[node.value.start:node.value.start + 1] in ("&", "!", "*") \
                    or node.value.start < node.key.start:  # anchored, tagged, or an alias
                return False
            parent = self.doc.positions[here[:-1]].value
            if not parent.start <= node.key.start < max(parent.end, parent.start + 1):
                return False  # merged in from elsewhere
            for sibling in self.children.get(here[:-1], []):
                span = self.doc.positions[sibling].value
                if sibling != here and span.start <= node.key.start < span.end:
                    return False  # merged in from an anchor defined beside it
        return True

    # offsets
    def edit(self, start: int, end: int, new_text: str) -> TextEdit:
        return TextEdit(self.doc.index.range(start, end), new_text)

    def line_start(self, offset: int) -> int:
        return self.text.rfind("\n", 0, offset) + 1

    def line_end(self, offset: int) -> int:
        """The offset just past the newline ending ``offset``'s line (or the end of text)."""
        i = self.text.find("\n", offset)
        return len(self.text) if i < 0 else i + 1

    def column(self, offset: int) -> int:
        return offset - self.line_start(offset)

    def first_on_line(self, offset: int) -> bool:
        return not self.text[self.line_start(offset):offset].strip()

    def indentation(self, offset: int) -> str:
        """The whitespace that starts ``offset``'s line."""
        start = self.line_start(offset)
        line = self.text[start:self.line_end(offset)]
        return line[: len(line) - len(line.lstrip(" \t"))]

    def colon_after(self, key_end: int) -> int:
        return self.text.index(":", key_end)

    def is_flow(self, path: KeyPath) -> bool:
        node = self.doc.positions[path]
        return self.json or self.text[node.value.start:node.value.start + 1] in ("{", "[")

    def is_scalar(self, path: KeyPath) -> bool:
        return not isinstance(self.doc.get(path), (dict, list))

    def content_end(self, path: KeyPath) -> int:
        """Where ``path``'s value really ends: block spans run on over comments and blanks."""
        node = self.doc.positions[path]
        if self.json or self.is_flow(path):
            return node.value.end
        if self.is_scalar(path):
            if node.style in ("|", ">"):
                return len(self.text[:node.value.end].rstrip())
            return node.value.end
        kids = self.children.get(path)
        return max(self.content_end(k) for k in kids) if kids else node.value.end

    def indent_unit(self) -> int:
        """The file's own YAML indentation step (2 when it shows none)."""
        for parent, kids in self.children.items():
            node = self.doc.positions.get(parent)
            if node is None or node.key is None or not isinstance(self.doc.get(parent), dict):
                continue
            if self.is_flow(parent) or not self.first_on_line(node.key.start):
                continue
            step = self.column(self._start(self.doc.positions[kids[0]])) - self.column(node.key.start)
            if step > 0:
                return step
        return 2

    def json_unit(self) -> str:
        for kid in self.children.get((), []):
            key = self.doc.positions[kid].key
            if key is not None and self.first_on_line(key.start):
                return self.indentation(key.start) or "    "
        return "    "

    # rendering in place
    def render_json(self, value: Any, indent: str) -> str:
        if not isinstance(value, (dict, list)) or not value or "\n" not in self.text.strip():
            return json.dumps(value, ensure_ascii=False, separators=(", ", ": "))
        text = json.dumps(value, ensure_ascii=False, indent=self.json_unit())
        return text.replace("\n", self.newline + indent)

    def yaml_entry_lines(self, key: str, value: Any, column: int) -> str:
        """``key: value`` as block lines at ``column``, each ending in the file's newline."""
        if isinstance(value, (dict, list)) and value:
            fragment = yaml_fragment({key: value}, self.indent_unit())
        else:
            rendered = yaml_fragment(value, 2, flow=True).strip() if isinstance(value, (dict, list)) \
                else yaml_scalar(value)
            fragment = f"{yaml_scalar(key)}: {rendered}\n"
        pad = " " * column
        return "".join(pad + line + self.newline for line in fragment.splitlines())

    # edits
    def replace_text(self, path: KeyPath, new: str) -> list[TextEdit]:
        node = self.doc.positions[path]
        if self.json or self.is_flow(path) or self.is_scalar(path) or node.key is None:
            return [self.edit(node.value.start, self.content_end(path), new)]
        return self.replace_after_colon(path, new)

    def replace_after_colon(self, path: KeyPath, inline: str, lines: str = "") -> list[TextEdit]:
        """Put `` inline`` after ``path``'s colon and block ``lines`` below, in place of its value.

        The comment ending the key's line (or the old scalar's line) stays, and so do
        whole-line comments inside the old value.
        """
        node = self.doc.positions[path]
        assert node.key is not None
        colon = self.colon_after(node.key.end)
        first_end, end = self.line_end(colon), self.line_end(self.content_end(path))
        tail = self.text[self.content_end(path) if self.is_scalar(path) else colon + 1:first_end].rstrip("\r\n")
        if not tail.lstrip().startswith("#"):
            tail = ""
        new = (" " + inline if inline else "") + tail + self.newline
        new += self.comment_lines(path, first_end, end) + lines
        if end == len(self.text) and not self.text.endswith("\n"):
            new = new.removesuffix(self.newline)
        return [self.edit(colon + 1, end, new)]

    def replace_value(self, path: KeyPath, value: Any) -> list[TextEdit]:
        node = self.doc.positions[path]
        if self.json:
            return self.replace_text(path, self.render_json(value, self.indentation(node.value.start)))
        in_flow = len(path) > 1 and self.is_flow(path[:-1])
        if isinstance(value, (dict, list)):
            if not value or in_flow or node.key is None:
                return self.replace_text(path, yaml_fragment(value, 2, flow=True).strip())
            if self.is_scalar(path) and node.value.start == node.value.end:  # `key:` with no value
                at = self.line_end(node.value.start)
                return self.edit_insert(at, self.yaml_block(value, self.column(node.key.start)))
            return self.replace_after_colon(path, "", self.yaml_block(value, self.column(node.key.start)))
        old = self.text[node.value.start:node.value.end]
        quote = node.style if node.style in ("'", '"') and isinstance(value, str) else None
        text = yaml_scalar(value, quote=quote, like=old)
        if in_flow and isinstance(value, str) and quote is None and not plain_is_string(str(value)):
            text = yaml_scalar(value, quote="'")
        return self.replace_text(path, text)

    def yaml_block(self, value: dict[str, Any] | list[Any], column: int) -> str:
        """A collection's block lines nested one step below a key at ``column``."""
        unit = self.indent_unit()
        pad = " " * (column + unit)
        fragment = yaml_fragment(value, unit)
        return "".join(pad + line + self.newline for line in fragment.splitlines())

    def edit_insert(self, at: int, lines: str) -> list[TextEdit]:
        """Insert whole ``lines`` at line start ``at``; at an unterminated last line, add a break."""
        if at == len(self.text) and self.text and not self.text.endswith("\n"):
            lines = self.newline + lines[: -len(self.newline)]
        return [self.edit(at, at, lines)]

    def insert(self, parent: KeyPath, key: str, value: Any) -> list[TextEdit]:
        container = self.doc.get(parent)
        if container is None and parent:
            return self.replace_value(parent, {key: value})
        if not isinstance(container, dict):
            return []
        if self.json:
            return self.insert_json(parent, key, value)
        kids = self.children.get(parent, [])
        if self.is_flow(parent):
            flow = yaml_fragment({key: value}, 2, flow=True).strip()[1:-1].strip()
            if not kids:
                node = self.doc.positions[parent]
                return [self.edit(node.value.start + 1, node.value.end - 1, flow)]
            return [self.edit(self.content_end(kids[-1]), self.content_end(kids[-1]), ", " + flow)]
        if not kids:
            return []
        column = self.column(self._start(self.doc.positions[kids[0]]))
        at = self.line_end(self.content_end(kids[-1]))
        return self.edit_insert(at, self.yaml_entry_lines(key, value, column))

    def insert_json(self, parent: KeyPath, key: str, value: Any) -> list[TextEdit]:
        node = self.doc.positions[parent]
        kids = self.children.get(parent, [])
        name = json.dumps(key, ensure_ascii=False)
        if kids:
            last = self.doc.positions[kids[-1]]
            assert last.key is not None
            if self.first_on_line(last.key.start):
                indent = self.indentation(last.key.start)
                sep = "," + self.newline + indent
            else:
                indent, sep = self.indentation(last.key.start), ", "
            entry = f"{name}: {self.render_json(value, indent)}"
            return [self.edit(last.value.end, last.value.end, sep + entry)]
        outer = self.indentation(node.value.start)
        if "\n" not in self.text.strip():
            return [self.edit(node.value.start + 1, node.value.end - 1,
                              f"{name}: {self.render_json(value, '')}")]
        inner = outer + self.json_unit()
        entry = f"{name}: {self.render_json(value, inner)}"
        return [self.edit(node.value.start + 1, node.value.end - 1,
                          self.newline + inner + entry + self.newline + outer)]

    def remove(self, path: KeyPath) -> list[TextEdit]:
        parent = path[:-1]
        siblings = self.children.get(parent, [])
        if self.json or self.is_flow(parent):
            return self.remove_inline(path, siblings)
        node = self.doc.positions[path]
        assert node.key is not None
        if not self.first_on_line(node.key.start):
            return []  # e.g. the first key of a `- key: value` list item
        start = self.line_start(node.key.start)
        end = self.line_end(self.content_end(path))
        kept = self.comment_lines(path, start, end)
        edits = [self.edit(start, end, kept)]
        if len(siblings) == 1:  # the mapping would turn into null: leave an empty one
            parent_node = self.doc.positions[parent]
            if parent_node.key is None:
                edits.insert(0, self.edit(0, 0, "{}" + self.newline))
            else:
                colon = self.colon_after(parent_node.key.end)
                edits.insert(0, self.edit(colon + 1, colon + 1, " {}"))
        return edits

    def comment_lines(self, path: KeyPath, start: int, end: int) -> str:
        """The whole-line comments between ``start`` and ``end`` (not inside block scalars)."""
        literal = [self.doc.positions[p].value for p in self.doc.positions
                   if p[: len(path)] == path and self.doc.positions[p].style in ("|", ">")]
        kept = []
        offset = start
        while offset < end:
            line_end = self.line_end(offset)
            line = self.text[offset:line_end]
            if line.lstrip().startswith("#") and not any(s.start <= offset < s.end for s in literal):
                kept.append(line if line.endswith("\n") else line + self.newline)
            offset = line_end
        return "".join(kept)

    def remove_inline(self, path: KeyPath, siblings: list[KeyPath]) -> list[TextEdit]:
        """Remove a member of a JSON object or YAML flow mapping, keeping the commas valid."""
        node = self.doc.positions[path]
        assert node.key is not None
        i = siblings.index(path)
        if i + 1 < len(siblings):
            following = self.doc.positions[siblings[i + 1]]
            assert following.key is not None
            start, end = node.key.start, following.key.start
            if self.first_on_line(node.key.start) and self.first_on_line(following.key.start):
                start, end = self.line_start(start), self.line_start(end)
            return [self.edit(start, end, "")]
        if i > 0:
            return [self.edit(self.content_end(siblings[i - 1]), self.content_end(path), "")]
        parent = self.doc.positions[path[:-1]]
        return [self.edit(parent.value.start + 1, parent.value.end - 1, "")]
