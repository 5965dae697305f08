"""Diagnostics for a file holding launch commands, each at the exact token it is about."""

from __future__ import annotations

from typing import Callable

from shardlint.diagnostics import Diagnostic, Fix, Position, Range, TextEdit
from shardlint.document import Document
from shardlint.launch.launchers import Flag, Launch, find_launches
from shardlint.launch.references import Reference, references, suggest
from shardlint.launch.regions import regions
from shardlint.launch.shell import Command, Word, Written, read_script
from shardlint.launch.sniff import Surface
from shardlint.options import FileOptions

# checks a config file found in a script as a walked file: its findings, or None when it is no config
LintConfig = Callable[[Document], "list[Diagnostic] | None"]

# accelerate launch options a training script is unlikely to define itself: after the
# script they are passed to it instead of the launcher (argparse.REMAINDER, accelerate#53)
LAUNCHER_ONLY = frozenset({"--config_file", "--num_processes", "--num_machines", "--machine_rank",
                           "--main_process_ip", "--main_process_port", "--use_deepspeed", "--use_fsdp",
                           "--multi_gpu", "--deepspeed_config_file", "--same_network", "--rdzv_backend"})


def read_launches(doc: Document, surface: Surface,
                  options: FileOptions = FileOptions()) -> tuple[list[Launch], list[Written]]:
    """The file's launch commands (``accelerate launch`` read with the targeted version's parser) and the
    files the script writes."""
    script = read_script(list(regions(doc.text, surface)))
    launches = find_launches(script.commands, options.target.get("accelerate"))
    return launches, script.written + _produced(script.commands, launches)


def _produced(commands: list[Command], launches: list[Launch]) -> list[Written]:
    """Paths other commands of the file name (``gen.py --output_file configs/x.yaml``, ``cp a b``):
    the file may be made by the script before the launch, so it is not reported as missing."""
    launching = {word.start for launch in launches for word in launch.command.words}
    return [Written(word.value, None, word.start) for command in commands
            if not launching.intersection(w.start for w in command.words)
            for word in command.words[1:] if word.value and ("/" in word.value or "." in word.value)]


def lint_launch_document(doc: Document, launches: list[Launch], written: list[Written], options: FileOptions,
                         lint_config: LintConfig) -> list[Diagnostic]:
    """The findings of a script's launches; ``lint_config`` checks a config a heredoc writes as a walked file."""
    from shardlint.launch.checks import launch_findings
    from shardlint.launch.config_rules import config_rule_findings
    from shardlint.launch.effective import effective
    from shardlint.launch.runner import launch_runner, runner_files

    out: list[Diagnostic] = _heredoc_configs(doc, written, lint_config)
    for launch in launches:
        result = None
        run = None
        if launch.settled:
            result = effective(launch, doc, written, options)
            if result.config is not None:
                passed = frozenset(f.option.flag for f in launch.flags if f.option is not None)
                doc.launched_configs.append((result.config.path.resolve(), passed))
            if launch.launcher == "accelerate" and launch.flag("--config_file", "--cpu") is None:
                out.append(_diagnostic(doc, "LCH118", "no --config_file: accelerate launch reads the machine's "
                                       "default config ($HF_HOME/accelerate/default_config.yaml) when it exists, "
                                       "so this command runs differently on each machine", launch.head))
            for finding in launch_findings(result, doc.path, written):
                fix = _drop_fix(doc, finding.drop) if finding.drop is not None else None
                out.append(_diagnostic(doc, finding.code, finding.message, finding.word, fix))
            if launch.launcher == "accelerate":
                out.extend(config_rule_findings(result, doc, options))
            if launch.script_args or launch.launcher == "trl":
                from shardlint.training.launch import launch_training_findings, training_run

                run = training_run(launch, doc, written)
                if run is not None:
                    out.extend(launch_training_findings(run, result, doc, options))
        for problem in launch.problems:
            fix = None
            if problem.replacement is not None:
                start, end, text = problem.replacement
                fix = Fix(f"Use {text}", "unsafe", (TextEdit(doc.index.range(start, end), text),))
            out.append(_diagnostic(doc, problem.code, problem.message, problem.word, fix))
        out.extend(_after_script(doc, launch))
        if launch.launcher == "torch.distributed.launch":
            out.append(_diagnostic(doc, "LCH105", "python -m torch.distributed.launch is deprecated: it passes "
                                   "--local_rank to the script; use torchrun, which sets LOCAL_RANK", launch.head,
                                   _torchrun_fix(doc, launch)))
        refs = references(launch, doc.path, written)
        runner = launch_runner(launch, doc.path, written, run is not None)
        where = f"{doc.display_path}:{doc.index.range(launch.head.start, launch.head.end).start.line + 1}"
        doc.launched_runners.extend((path, runner, where) for path in runner_files(result, refs))
        for ref in refs:
            doc.launch_files.extend((ref.path,) if ref.path is not None else ref.tried)
            if ref.missing and ref.role != "training script":
                out.append(_diagnostic(doc, "LCH106", _missing_message(doc, ref), ref.word))
    return out


def _heredoc_configs(doc: Document, written: list[Written], lint_config: LintConfig) -> list[Diagnostic]:
    """Configs a heredoc of the script writes (``cat <<'EOF' > fsdp.yaml``), checked like files of their
    own and reported at their lines in the script."""
    from shardlint.loading.reader import read_document

    out = []
    for heredoc in written:
        if heredoc.content is None or not (heredoc.path or "").lower().endswith((".yaml", ".yml", ".json")):
            continue
        config = read_document(doc.path.parent / heredoc.path, doc.display_path, text=heredoc.content)
        found = lint_config(config) or []
        if config.kind not in ("accelerate", "deepspeed"):
            continue
        shift = doc.index.range(heredoc.start, heredoc.start).start.line
        for diag in found:
            start, end = diag.range
            moved = Range(Position(start.line + shift, start.character), Position(end.line + shift, end.character))
            out.append(Diagnostic(diag.code, diag.severity, f"{diag.message} (in the {heredoc.path} this script "
                                  "writes)", moved, diag.path, docs_url=diag.docs_url))
    return out


def _after_script(doc: Document, launch: Launch) -> list[Diagnostic]:
    from shardlint.launch.flags import accelerate_options

    if launch.launcher != "accelerate" or launch.script is None:
        return []
    options = accelerate_options(launch.parser)
    out = []
    for word in launch.script_args:
        name = (word.value or "").split("=", 1)[0]
        option = options.get(name)
        if option is not None and option.flag in LAUNCHER_ONLY:
            out.append(_diagnostic(doc, "LCH104", f"{name} comes after the training script "
                                   f"{launch.script.value}, so it is passed to the script, not to "
                                   "accelerate launch; move it before the script", word))
    return out


def _missing_message(doc: Document, ref: Reference) -> str:
    """Name the places looked in as the user sees the script, not as this machine stores it."""
    from shardlint.launch.effective import shown_beside

    where = " or ".join(shown_beside(doc.display_path, doc.path, p) for p in ref.tried[:2]) + (" or above" if len(ref.tried) > 2 else "")
    suggestion = suggest(ref)
    hint = f"; did you mean {suggestion}?" if suggestion else ""
    return f"{ref.role} {ref.word.value} does not exist (looked in {where}){hint}"


def _drop_fix(doc: Document, flag: Flag) -> Fix | None:
    """Remove ``--flag value`` (and the blank after it) when both words are written where they are read."""
    last = flag.value if flag.value is not None else flag.word
    if doc.text[flag.word.start:flag.word.start + 2] != "--" or last.end < flag.word.start:
        return None
    end = last.end + (doc.text[last.end:last.end + 1] == " ")
    return Fix(f"Remove {flag.name}", "unsafe", (TextEdit(doc.index.range(flag.word.start, end), ""),))


def _torchrun_fix(doc: Document, launch: Launch) -> Fix | None:
    """``python -m torch.distributed.launch`` -> ``torchrun``, when the three words are written as such."""
    words = launch.command.words
    i = words.index(launch.head)
    module = words[i + 1:i + 3]
    if len(module) < 2 or doc.text[launch.head.start:module[1].end].split() != [
            launch.head.value, "-m", "torch.distributed.launch"]:
        return None
    return Fix("Use torchrun (the script then reads LOCAL_RANK from the environment)", "unsafe",
               (TextEdit(doc.index.range(launch.head.start, module[1].end), "torchrun"),))


def _diagnostic(doc: Document, code: str, message: str, word: Word, fix: Fix | None = None) -> Diagnostic:
    from shardlint.builtins import finding

    return finding(code, message, doc.index.range(word.start, word.end), fixes=[fix] if fix is not None else None)
