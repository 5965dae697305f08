"""Launch commands among a script's commands, and their arguments read as the launcher reads them.

``accelerate launch`` is read with its full option table, the way its argparse
parser does (``allow_abbrev=False``, the training script and everything after it
are ``argparse.REMAINDER``).  ``torchrun`` and the ``deepspeed`` CLI are read far
enough to find their process counts and the training script.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from shardlint.engine.values import str_to_bool
from shardlint.launch.flags import Option, abbreviation, accelerate_options, launcher_options, parser_version, \
    removed_in
from shardlint.launch.shell import SHELLS, Command, Word

# commands that run the rest of their arguments as a command
WRAPPERS = frozenset({"srun", "env", "nohup", "time", "exec", "sudo", "numactl", "taskset", "stdbuf",
                      "nice", "ionice", "xvfb-run", "mpirun", "timeout", "eval"})
RUNNERS = frozenset({"uv", "poetry", "pixi", "pdm", "hatch", "conda", "micromamba"})  # "<tool> run ..."
_PYTHON = re.compile(r"(?:.*/)?python(?:[0-9.]*)?\Z")
MODULES = {"accelerate.commands.launch": "accelerate", "torch.distributed.run": "torchrun",
           "torch.distributed.launch": "torch.distributed.launch"}
HEADS = frozenset({"accelerate", "accelerate-launch", "torchrun", "deepspeed"})
SEPARATORS = frozenset({"&&", "||", ";"})  # escaped in a command handed to another program
TRL_COMMANDS = frozenset({"sft", "dpo", "grpo", "kto", "reward", "rloo", "orpo", "ppo", "gkd", "xpo", "nash_md",
                          "online_dpo", "prm", "bco", "cpo"})


class Flag(NamedTuple):
    name: str  # as written, without any =value
    option: Option | None  # None for a torchrun/deepspeed option, or an unknown accelerate one
    word: Word
    value: Word | None  # the value word; for --x=v a word spanning v


class Problem(NamedTuple):
    code: str
    message: str
    word: Word
    replacement: tuple[int, int, str] | None = None  # (start, end, text): the fix, when it is clear


class Launch(NamedTuple):
    launcher: str  # accelerate | torchrun | torch.distributed.launch | deepspeed | trl
    command: Command
    head: Word  # the launcher's own word (accelerate, torchrun, python, ...)
    flags: list[Flag]
    script: Word | None
    script_args: tuple[Word, ...]
    problems: list[Problem]
    settled: bool  # False when an unknown word made the rest of the options unreadable
    parser: str | None = None  # accelerate: the release whose launch parser read the options

    def flag(self, *names: str) -> Flag | None:
        """The last occurrence of an option (argparse keeps the last one)."""
        found = None
        for flag in self.flags:
            if flag.name in names or (flag.option is not None and flag.option.flag in names):
                found = flag
        return found


def find_launch(command: Command, target: str | None = None) -> Launch | None:
    """The launch ``command`` runs, read with the parser of the targeted Accelerate version."""
    words = command.words
    i = 0
    while i < len(words):
        value = words[i].value
        if value is None:
            # ${HOME}/.local/bin/accelerate: a launcher whose folder is unknown
            pattern = words[i].pattern or ""
            return _launch_at(command, i, target) if pattern.rsplit("/", 1)[-1] in HEADS else None
        name = value.rsplit("/", 1)[-1]
        if name in WRAPPERS:
            i = _skip_wrapper_options(words, i + 1)
            continue
        if name in RUNNERS and i + 1 < len(words) and words[i + 1].value == "run":
            i = _skip_wrapper_options(words, i + 2)
            continue
        if "=" in value and not value.startswith("-") and name not in SHELLS:
            i += 1  # env's NAME=value
            continue
        found = _launch_at(command, i, target)
        if found is None and "--" in [w.value for w in words[i:]]:
            # a job submitter running a command after "--" (mason.py ... -- setup \&\& accelerate launch ...)
            dash = [w.value for w in words].index("--", i)
            start = dash + 1
            for j in range(start, len(words) + 1):
                if j == len(words) or words[j].value in SEPARATORS:
                    found = find_launch(command._replace(words=words[start:j]), target) if j > start else None
                    if found is not None:
                        return found
                    start = j + 1
        return found
    return None


def _skip_wrapper_options(words: tuple[Word, ...], i: int) -> int:
    """Past a wrapper's options (``srun -N 2 --gres=gpu:8``) to the command it runs."""
    while i < len(words):
        value = words[i].value
        if value is None or not value.startswith("-"):
            return i
        if "=" not in value and i + 1 < len(words) and not _looks_like_command(words[i + 1]):
            i += 2
        else:
            i += 1
    return i


def _looks_like_command(word: Word) -> bool:
    value = word.value or ""
    name = value.rsplit("/", 1)[-1]
    return (name in ("accelerate", "accelerate-launch", "torchrun", "deepspeed", "trl")
            or bool(_PYTHON.match(value)) or name in WRAPPERS)


def _launch_at(command: Command, i: int, target: str | None) -> Launch | None:
    words = command.words
    head = words[i]
    name = (head.value or head.pattern or "").rsplit("/", 1)[-1]
    rest = words[i + 1:]
    if name == "accelerate" and rest[:1] and rest[0].value == "launch":
        return _accelerate(command, head, rest[1:], target)
    if name == "accelerate-launch":
        return _accelerate(command, head, rest, target)
    if name == "torchrun":
        return _simple("torchrun", command, head, rest)
    if name == "deepspeed":
        return _simple("deepspeed", command, head, rest)
    if name == "trl" and rest[:1] and rest[0].value in TRL_COMMANDS:
        return _simple("trl", command, head, rest[1:], script=rest[0])
    if _PYTHON.match(head.value or ""):
        j = 0
        while j < len(rest) and (rest[j].value or "").startswith("-") and rest[j].value != "-m":
            j += 1
        if j + 1 < len(rest) and rest[j].value == "-m" and rest[j + 1].value in MODULES:
            launcher = MODULES[rest[j + 1].value or ""]
            if launcher == "accelerate":
                return _accelerate(command, head, rest[j + 2:], target)
            return _simple(launcher, command, head, rest[j + 2:])
    return None


def _split_inline(word: Word) -> tuple[str, Word | None]:
    """``--x=v`` -> ("--x", the word of v); ``--x`` -> ("--x", None)."""
    value = word.value or ""
    if value.startswith("--") and "=" in value:
        name, inline = value.split("=", 1)
        shift = len(name) + 1 if word.end - word.start == len(value) else 0
        return name, Word(inline, word.start + shift, word.end)
    return value, None


def _is_option(word: Word) -> bool:
    value = word.value
    return value is not None and value.startswith("-") and value != "-" and not _NUMBER.match(value)


_NUMBER = re.compile(r"-[0-9.]+\Z")


def _simple(launcher: str, command: Command, head: Word, args: tuple[Word, ...], script: Word | None = None) -> Launch:
    """torchrun, torch.distributed.launch, deepspeed and trl: options, then the script.

    torchrun's and deepspeed's parsers allow abbreviations (argparse's default), so a unique
    prefix is the option it starts."""
    options = launcher_options(launcher) if launcher != "trl" else {}
    flags: list[Flag] = []
    problems: list[Problem] = []
    i = 0
    while i < len(args):
        word = args[i]
        if word.value is None:
            return Launch(launcher, command, head, flags, None, (), problems, False)
        if not _is_option(word):
            i += 1
            if launcher == "trl":
                continue
            return Launch(launcher, command, head, flags, word, args[i:], problems, True)
        name, inline = _split_inline(word)
        option = options.get(name) or abbreviation(name, options)
        if option is None and launcher != "trl":
            problems.append(Problem("LCH113", f"{name} is not an option of {launcher}: its parser stops with "
                                    "'unrecognized arguments'", word))
            return Launch(launcher, command, head, flags, None, (), problems, False)
        switch = option is not None and not option.takes_value
        if inline is None and not switch and i + 1 < len(args) and not _is_option(args[i + 1]):
            flags.append(Flag(name, option, word, args[i + 1]))
            i += 2
        else:
            flags.append(Flag(name, option, word, inline))
            i += 1
    return Launch(launcher, command, head, flags, script if launcher == "trl" else None, (), problems, True)


def _accelerate(command: Command, head: Word, args: tuple[Word, ...], target: str | None) -> Launch:
    parser = parser_version(target)
    options = accelerate_options(parser)
    flags: list[Flag] = []
    problems: list[Problem] = []
    i = 0
    while i < len(args):
        word = args[i]
        if word.value is None:
            return Launch("accelerate", command, head, flags, None, (), problems, False, parser)
        if not _is_option(word):
            return Launch("accelerate", command, head, flags, word, args[i + 1:], problems, True, parser)
        name, inline = _split_inline(word)
        option = options.get(name)
        if option is None:
            message, suggestion = _unknown_message(name, options)
            if (dropped := removed_in(name, parser)) is not None:
                message = f"{message} (Accelerate {dropped} removed it)"
            verbatim = word.end - word.start == len(word.value or "")
            fix = (word.start, word.start + len(name), suggestion) if suggestion and verbatim else None
            problems.append(Problem("LCH100", message, word, fix))
            return Launch("accelerate", command, head, flags, None, (), problems, False, parser)
        if not option.takes_value:
            if inline is not None:
                problems.append(Problem("LCH101", f"{name} is a switch and takes no value; argparse stops "
                                        f"with 'ignored explicit argument {inline.value!r}'", word))
            elif i + 1 < len(args) and (args[i + 1].value or "").lower() in _BOOL_WORDS:
                problems.append(Problem("LCH101", f"{name} is a switch and takes no value: "
                                        f"{args[i + 1].value!r} becomes the training script", args[i + 1]))
            flags.append(Flag(name, option, word, None))
            i += 1
            continue
        if inline is None:
            if i + 1 >= len(args) or _is_option(args[i + 1]):
                problems.append(Problem("LCH102", f"{name} needs a value; argparse stops with "
                                        "'expected one argument'", word))
                flags.append(Flag(name, option, word, None))
                i += 1
                continue
            inline = args[i + 1]
            i += 1
        i += 1
        flags.append(Flag(name, option, word, inline))
        bad = _bad_value(option, inline.value)
        if bad:
            problems.append(Problem("LCH103", f"{name} {bad}", inline))
    return Launch("accelerate", command, head, flags, None, (), problems, True, parser)


_BOOL_WORDS = frozenset({"true", "false", "yes", "no", "1", "0", "on", "off"})


def _bad_value(option: Option, value: str | None) -> str | None:
    """Why argparse refuses ``value`` for ``option`` (its ``type`` or ``choices``), or None."""
    if value is None:
        return None
    try:
        if option.value == "int":
            int(value)
        elif option.value == "float":
            float(value)
    except ValueError:
        return f"needs an {'integer' if option.value == 'int' else 'number'}: argparse stops with " \
               f"'invalid {option.value} value: {value!r}'"
    if option.value == "str_to_bool" and str_to_bool(value) is None:
        return f"needs a boolean such as true or false, not {value!r}"
    if option.choices is not None and value not in option.choices:
        return f"must be one of {', '.join(option.choices)}: argparse stops with 'invalid choice: {value!r}'"
    return None


def _unknown_message(name: str, options: dict[str, Option]) -> tuple[str, str | None]:
    """The message for an unknown option, and the one option it surely meant (or None)."""
    prefixed = sorted({o.flag for spelling, o in options.items() if spelling.startswith(name) and name.startswith("--")})
    if prefixed:
        return (f"{name} is not an option of accelerate launch, which refuses abbreviations "
                f"(allow_abbrev=False); did you mean {' or '.join(prefixed[:3])}?",
                prefixed[0] if len(prefixed) == 1 else None)
    from difflib import get_close_matches

    close = get_close_matches(name.replace("-", "_"), [s for s in options if s.startswith("--")], n=1)
    hint = f"; did you mean {close[0]}?" if close else ""
    return (f"{name} is not an option of accelerate launch: argparse stops with 'unrecognized arguments'{hint}",
            close[0] if close else None)


def find_launches(commands: list[Command], target: str | None = None) -> list[Launch]:
    return [launch for command in commands if (launch := find_launch(command, target)) is not None]
