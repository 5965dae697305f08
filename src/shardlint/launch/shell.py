"""Shell source to commands of words, each word with its value and file position.

The bash grammar of tree-sitter parses; this module only follows what a reader of
the script can know without running it: literal words, quotes, same-file
variables (``X=v``, ``export X=v``, ``read ... X <<EOF``), ``${X:-default}``,
commands kept in a variable and ``bash -c '...'`` strings.  Anything else (a
positional parameter, a command substitution, a loop variable, a variable from
the environment) is *unknown*: its value is ``None``, never a guess.  A variable
the file never sets takes the default its ``${X:-default}`` names, which is what
the script runs when the caller sets nothing.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from typing import Any, Callable, NamedTuple

from shardlint.launch.regions import Region

Mapper = Callable[[int], int]  # offset in the parsed text -> offset in the file
MAX_DEPTH = 4  # nested re-parses (a variable holding a command holding bash -c ...)
SHELLS = frozenset({"bash", "sh", "zsh", "dash"})
TRACKED = frozenset({"CUDA_VISIBLE_DEVICES"})  # exported variables the launch checks read
_SPECIAL = frozenset("@*#?$!-0123456789")
_EXPANSION = re.compile(r"\$\{(?P<name>[A-Za-z_][A-Za-z0-9_]*|[0-9]+)(?:(?P<op>:?[-=])|\})", re.DOTALL)
_PLAIN = re.compile(r"\$(?:[A-Za-z_][A-Za-z0-9_]*|\{[A-Za-z_][A-Za-z0-9_]*\})\Z")
_UNESCAPE = re.compile(r"\\(.)", re.DOTALL)
_STRING_UNESCAPE = re.compile(r"\\([$`\"\\\n])")


class Word(NamedTuple):
    value: str | None  # None: not known statically
    start: int  # file offsets
    end: int
    spread: bool = False  # unknown and may stand for any number of words ("$@", $ARGS)
    pattern: str | None = None  # an unknown value's known text, "*" for each unknown part


class Command(NamedTuple):
    words: tuple[Word, ...]
    env: tuple[tuple[str, str | None], ...]  # NAME=value prefixes
    exported: tuple[tuple[str, str | None], ...] = ()  # TRACKED variables the file exported before it


class Written(NamedTuple):
    """A file a heredoc writes (``cat <<EOF > path``); content None when it expands variables."""

    path: str | None
    content: str | None
    start: int  # where its content starts in the file


class Script(NamedTuple):
    commands: list[Command]
    written: list[Written]


class _Var(NamedTuple):
    value: str | None
    source: str | None = None  # a quoted value's text as written, re-read as words where it splits
    mapper: Mapper | None = None  # offsets in ``source`` -> file offsets


def _parser() -> Any:
    from tree_sitter import Language, Parser
    import tree_sitter_bash

    return Parser(Language(tree_sitter_bash.language()))


_PARSER: Any = None


class _Source:
    """Text handed to the parser and the way back from its byte offsets to file offsets."""

    def __init__(self, text: str, mapper: Mapper) -> None:
        self.text = text
        self.data = text.encode("utf-8", "surrogatepass")
        self.mapper = mapper
        self._chars: list[int] | None = None if len(self.data) == len(text) else self._char_table()

    def _char_table(self) -> list[int]:
        table = []
        for i, ch in enumerate(self.text):
            table.extend([i] * len(ch.encode("utf-8", "surrogatepass")))
        table.append(len(self.text))
        return table

    def char(self, byte: int) -> int:
        return byte if self._chars is None else self._chars[byte]

    def node_text(self, node: Any) -> str:
        return self.text[self.char(node.start_byte):self.char(node.end_byte)]

    def file(self, byte: int) -> int:
        return self.mapper(self.char(byte))


class ShellReader:
    def __init__(self) -> None:
        self.vars: dict[str, _Var] = {}
        self.commands: list[Command] = []
        self.written: list[Written] = []
        self.exported: set[str] = set()

    # -- entry points ---------------------------------------------------------------------

    def read_region(self, region: Region) -> None:
        self._parse(region.text, region.to_file, 0)

    def _parse(self, text: str, mapper: Mapper, depth: int) -> None:
        global _PARSER
        if depth > MAX_DEPTH or not text.strip():
            return
        if _PARSER is None:
            _PARSER = _parser()
        source = _Source(text, mapper)
        tree = _PARSER.parse(source.data)
        self._visit(tree.root_node, source, depth)

    # -- statements -----------------------------------------------------------------------

    def _visit(self, node: Any, src: _Source, depth: int) -> None:
        kind = node.type
        if kind == "variable_assignment":
            self._assign(node, src)
        elif kind == "declaration_command":
            export = src.node_text(node).startswith("export")
            for child in node.named_children:
                if child.type == "variable_assignment":
                    self._assign(child, src)
                name = child.child_by_field_name("name") if child.type == "variable_assignment" else child
                if export and name is not None and name.type == "variable_name":
                    self.exported.add(src.node_text(name))
        elif kind == "command":
            self._command(node, src, depth)
        elif kind == "redirected_statement":
            self._redirected(node, src, depth)
        elif kind == "for_statement":
            name = node.child_by_field_name("variable")
            if name is not None:
                self.vars[src.node_text(name)] = _Var(None)  # a loop variable is not one value
            for child in node.named_children:
                if child.type == "do_group":
                    self._visit(child, src, depth)
        elif kind in ("string", "raw_string", "word", "concatenation", "heredoc_body", "comment"):
            return
        else:
            for child in node.named_children:
                self._visit(child, src, depth)

    def _assign(self, node: Any, src: _Source) -> None:
        name_node = node.child_by_field_name("name")
        value_node = node.child_by_field_name("value")
        if name_node is None:
            return
        name = src.node_text(name_node)
        if any(c.type == "+=" for c in node.children):
            self.vars[name] = _Var(None)
            return
        if value_node is None:
            self.vars[name] = _Var("")
            return
        source = _source(value_node, src)
        previous = self.vars.get(name)
        if source is not None and previous is not None and previous.source is not None:
            source = _appended(name, source, previous)
        self.vars[name] = _Var(self._value(value_node, src), *(source or (None, None)))

    def _redirected(self, node: Any, src: _Source, depth: int) -> None:
        body = target = None
        quoted = False
        command = None
        for child in _descendants(node):
            if child.type == "heredoc_body":
                body = child
            elif child.type == "heredoc_start":
                quoted = src.node_text(child)[:1] in ("'", '"') or "\\" in src.node_text(child)
            elif child.type == "file_redirect" and target is None:
                if any(c.type in (">", ">>", ">|") for c in child.children) and child.named_children:
                    target = child.named_children[-1]
        for child in node.named_children:
            if child.type not in ("heredoc_redirect", "file_redirect", "herestring_redirect"):
                command = child
        if command is not None:
            before = len(self.commands)
            self._visit(command, src, depth)
            placeholder = next((c for c in node.named_children if c.type == "file_redirect"
                                and any(op.type == "<" for op in c.children)), None)
            if placeholder is not None and len(self.commands) > before:
                # "--config_file <path>" in documentation: a placeholder, not an input file
                last = self.commands[-1]
                unknown = Word(None, src.file(placeholder.start_byte), src.file(placeholder.end_byte), spread=True)
                self.commands[-1] = last._replace(words=last.words + (unknown,))
        if body is None:
            if target is not None:  # python make_config.py > ds.json
                self.written.append(Written(self._value(target, src), None, src.file(target.start_byte)))
            return
        text = src.node_text(body)
        verbatim = quoted or not body.named_children or all(
            c.type == "heredoc_content" for c in body.named_children)
        start = src.char(body.start_byte)
        words = _command_words(command, src) if command is not None and command.type == "command" else []
        if words[:1] == ["read"] and len(words) > 1:
            self.vars[words[-1]] = _Var(text, text, lambda offset: src.mapper(start + offset))
        elif target is not None:
            self.written.append(Written(self._value(target, src), text if verbatim else None,
                                        src.mapper(start)))

    def _command(self, node: Any, src: _Source, depth: int) -> None:
        env: list[tuple[str, str | None]] = []
        words: list[Word] = []
        nodes: list[Any] = []
        for child in node.named_children:
            if child.type == "variable_assignment":
                name = child.child_by_field_name("name")
                value = child.child_by_field_name("value")
                if name is not None:
                    env.append((src.node_text(name), self._value(value, src) if value is not None else ""))
            elif child.type == "command_name":
                for inner in child.named_children:
                    words.extend(self._words(inner, src, depth))
                    nodes.append(inner)
            elif child.type.endswith("redirect"):
                if child.type == "file_redirect" and any(c.type == "<" for c in child.children):
                    # "--config_file <path>" in documentation: a placeholder, not an input file
                    words.append(Word(None, src.file(child.start_byte), src.file(child.end_byte), spread=True))
                continue
            else:
                words.extend(self._words(child, src, depth))
                nodes.append(child)
        if words:
            exported = tuple((name, self.vars[name].value if name in self.vars else None)
                             for name in sorted(TRACKED & self.exported))
            self.commands.append(Command(tuple(words), tuple(env), exported))
            self._shell_string(words, nodes, src, depth)

    def _shell_string(self, words: list[Word], nodes: list[Any], src: _Source, depth: int) -> None:
        """``bash -c 'cmd'`` (after any wrapper such as srun): the string is read as shell too."""
        for i, node in enumerate(nodes[:-1]):
            if src.node_text(node) == "-c" and any(src.node_text(n).rsplit("/", 1)[-1] in SHELLS for n in nodes[:i]):
                source = _source(nodes[i + 1], src)
                if source is not None:
                    self._parse(*source, depth + 1)
                return

    # -- words ----------------------------------------------------------------------------

    def _words(self, node: Any, src: _Source, depth: int) -> list[Word]:
        """The words one argument node becomes: several when an unquoted variable splits."""
        start, end = src.file(node.start_byte), src.file(node.end_byte)
        if node.type in ("simple_expansion", "expansion"):
            name = _expansion_name(node, src)
            if name is not None and name in "@*":
                return [Word(None, start, end, spread=True)]
            var = self.vars.get(name) if name is not None else None
            plain = _PLAIN.match(src.node_text(node)) is not None
            if plain and var is not None and var.source is not None and len(var.source.split()) > 1:
                return self._split(var.source, var.mapper, start, end, depth)
            value = self._value(node, src)
            if value is None:
                return [Word(None, start, end, spread=True)]
            if value.split() != [value]:
                return self._split(value, None, start, end, depth)
            return [Word(value, start, end)] if value else []
        if node.type == "string" and src.node_text(node) in ('"$@"', '"${@}"', '"$*"'):
            return [Word(None, start, end, spread=True)]
        value = self._value(node, src)
        # a "$" left in a value was escaped for a shell that runs later (srun bash -c "... \$RANK")
        if value is None or "$" in value:
            return [Word(None, start, end, pattern=self._pattern(node, src))]
        return [Word(value, start, end)]

    def _pattern(self, node: Any, src: _Source) -> str | None:
        """``configs/$NAME.yaml`` -> ``configs/*.yaml``: the known text around unknown parts."""
        if node.type not in ("string", "concatenation"):
            return None
        quoted = node.type == "string"
        cursor = node.start_byte + quoted
        out = []
        for child in node.named_children:
            if child.type == "string_content":
                continue
            out.append(src.text[src.char(cursor):src.char(child.start_byte)])
            value = self._value(child, src)
            out.append("*" if value is None or "$" in value else value)
            cursor = child.end_byte
        out.append(src.text[src.char(cursor):src.char(max(cursor, node.end_byte - quoted))])
        pattern = re.sub(r"\*+", "*", "".join(out).replace("\\", ""))
        return pattern if pattern.strip("*") else None

    def _split(self, value: str, mapper: Mapper | None, start: int, end: int, depth: int) -> list[Word]:
        """An unquoted variable's value as words; at the assignment when its text is verbatim."""
        if depth >= MAX_DEPTH:
            return [Word(None, start, end, spread=True)]
        inner = ShellReader()
        inner.vars, inner.exported = self.vars, self.exported
        inner._parse(value, mapper or (lambda offset: start), depth + 1)
        words = [w for command in inner.commands for w in command.words]
        if mapper is None:
            words = [Word(w.value, start, end, w.spread) for w in words]
        return words

    def _value(self, node: Any, src: _Source) -> str | None:
        """The string a word node stands for, or None when it cannot be known statically."""
        kind = node.type
        text = src.node_text(node)
        if kind == "word":
            return _UNESCAPE.sub(r"\1", text.replace("\\\n", ""))
        if kind == "number":
            return text
        if kind == "raw_string":
            return text[1:-1]
        if kind == "ansi_c_string":
            return None if "\\" in text else text[2:-1]
        if kind in ("string", "concatenation"):
            return self._joined(node, src)
        if kind == "simple_expansion":
            name = _expansion_name(node, src)
            return self._lookup(name)
        if kind == "expansion":
            return self._expansion(node, src)
        return None

    def _joined(self, node: Any, src: _Source) -> str | None:
        """A string or concatenation: its literal text with each part replaced by its value."""
        quoted = node.type == "string"
        begin = node.start_byte + (1 if quoted else 0)
        finish = node.end_byte - (1 if quoted else 0)
        out = []
        cursor = begin
        for child in node.named_children:
            if child.type == "string_content":
                continue
            out.append(src.text[src.char(cursor):src.char(child.start_byte)])
            value = self._value(child, src)
            if value is None:
                return None
            out.append(value)
            cursor = child.end_byte
        out.append(src.text[src.char(cursor):src.char(max(cursor, finish))])
        joined = "".join(out)
        return _STRING_UNESCAPE.sub(lambda m: "" if m.group(1) == "\n" else m.group(1), joined) if quoted else joined

    def _lookup(self, name: str | None) -> str | None:
        if name is None or name[:1] in _SPECIAL:
            return None
        var = self.vars.get(name)
        return var.value if var is not None else None

    def _expansion(self, node: Any, src: _Source) -> str | None:
        """``${X}``, ``${X:-default}``, ``${X-default}``, ``${X:=default}``; other forms are unknown."""
        match = _EXPANSION.match(src.node_text(node))
        if match is None:
            return None
        name, op = match.group("name"), match.group("op")
        if op is None:
            return self._lookup(name)
        var = self.vars.get(name)
        if var is not None and var.value is None:
            return None
        if var is not None and (var.value or ":" not in op):
            return var.value
        operator_seen = False
        parts = []
        for child in node.children:
            if child.type in (":-", "-", ":=", "=") and not operator_seen:
                operator_seen = True
            elif operator_seen and child.type != "}" and child.is_named:
                value = self._value(child, src)
                if value is None:
                    return None
                parts.append(value)
        return "".join(parts)


def _source(node: Any, src: _Source) -> tuple[str, Mapper] | None:
    """The shell text a quoted value holds, quotes removed, with a map back to the file.

    ``"a $X "'b'"c"`` holds ``a $X bc``; read again as shell it gives the words the
    value splits into, each still at its place in the file.
    """
    if node.type not in ("string", "raw_string", "concatenation"):
        return None
    parts = node.children if node.type == "concatenation" else [node]
    if not any(part.type in ("string", "raw_string") for part in parts):
        return None
    pieces: list[str] = []
    segments: list[tuple[int, int]] = []  # (offset in the text, offset in the parsed source)
    length = 0
    for part in parts:
        start, end = src.char(part.start_byte), src.char(part.end_byte)
        if part.type in ("string", "raw_string"):
            start, end = start + 1, max(start + 1, end - 1)
        segments.append((length, start))
        pieces.append(src.text[start:end])
        length += end - start
    starts = [offset for offset, _ in segments]

    def mapper(offset: int) -> int:
        text_start, source_start = segments[max(bisect_right(starts, offset) - 1, 0)]
        return src.mapper(source_start + offset - text_start)

    return "".join(pieces), mapper


def _appended(name: str, source: tuple[str, Mapper], previous: _Var) -> tuple[str, Mapper]:
    """``X="$X --more"``: the earlier value's text, then the rest, each mapped to where it is written."""
    text, mapper = source
    match = re.match(rf"\s*\$(?:{name}\b|\{{{name}\}})", text)
    if match is None or previous.mapper is None or previous.source is None:
        return source
    before, before_mapper = previous.source, previous.mapper
    cut = match.end()

    def combined(offset: int) -> int:
        return before_mapper(offset) if offset <= len(before) else mapper(cut + offset - len(before))

    return before + text[cut:], combined


def _expansion_name(node: Any, src: _Source) -> str | None:
    for child in node.named_children:
        if child.type in ("variable_name", "special_variable_name"):
            return src.node_text(child)
    text = src.node_text(node)
    match = re.match(r"\$\{?([0-9@*#?$!-])", text)
    return match.group(1) if match else None


def _descendants(node: Any) -> list[Any]:
    out = []
    stack = list(reversed(node.children))
    while stack:
        child = stack.pop()
        out.append(child)
        stack.extend(reversed(child.children))
    return out


def _command_words(node: Any, src: _Source) -> list[str]:
    return [src.node_text(c) for c in node.named_children if c.type != "variable_assignment"]


def read_script(regions: list[Region]) -> Script:
    reader = ShellReader()
    for region in regions:
        reader.read_region(region)
    return Script(reader.commands, reader.written)
