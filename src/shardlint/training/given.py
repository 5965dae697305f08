"""The training arguments one run receives: a recipe's keys with the command line over them.

They are gathered into a recipe-kind :class:`Document` whose positions point into the launching
file (an argument's own token; for a key from the recipe, the token naming the recipe), so the
recipe rules (``applies-to: [recipe]``) run on a launch unchanged and report where the user
wrote the value.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from shardlint.diagnostics import Diagnostic, Fix, TextEdit
from shardlint.document import Document, Node, Span
from shardlint.options import FileOptions
from shardlint.training.arguments import ScriptArguments, typed


class Source(NamedTuple):
    origin: str   # "argument" | "recipe"
    where: str    # file:line[:column]


def _types(name: str) -> list[str]:
    from shardlint.training.schema import transformers_fields

    entry = transformers_fields().get(name)
    return entry["types"] if entry else []


def gather(launching: Document, args: ScriptArguments, recipe: Document | None) -> tuple[Document, dict[str, Source]]:
    """The merged training arguments as a recipe document positioned in ``launching``, and each value's source."""
    data: dict[str, Any] = {}
    positions: dict[tuple[Any, ...], Node] = {(): Node(None, Span(0, len(launching.text)))}
    sources: dict[str, Source] = {}
    if recipe is not None and isinstance(recipe.data, dict) and args.recipe is not None:
        at = Span(args.recipe.start, args.recipe.end)
        for key, value in recipe.data.items():
            if isinstance(key, str):
                data[key] = value
                positions[(key,)] = Node(at, at)
                for path, _ in recipe.walk((key,)):
                    positions[path] = Node(at, at)
                line = recipe.range((key,)).start.line + 1
                sources[key] = Source("recipe", f"{recipe.display_path}:{line}")
    for given in args.given:
        for path in [p for p in positions if p[:1] == (given.name,)]:
            del positions[path]
        data[given.name] = typed(given.value, _types(given.name))
        key = Span(*given.name_span)
        positions[(given.name,)] = Node(key, Span(*given.value_span) if given.value_span else key)
        position = launching.index.position(given.name_span[0] - 2)  # the -- of the token
        sources[given.name] = Source("argument", f"{launching.display_path}:{position.line + 1}:{position.character + 1}")
    return Document(launching.path, launching.display_path, launching.text, launching.syntax, data, positions,
                    "recipe"), sources


def check_gathered(launching: Document, args: ScriptArguments, recipe: Document | None,
                   options: FileOptions) -> list[Diagnostic]:
    """Findings about the run's training arguments, in the launching file.

    Field problems (HF130-HF132) are reported for command-line arguments only (a recipe's keys
    are reported in the recipe); rules over several arguments are reported when the command line
    takes part, i.e. when they do not already hold for the recipe alone.
    """
    from shardlint.builtins import finding
    from shardlint.engine import evaluate
    from shardlint.engine.versions import target_versions
    from shardlint.training.checks import key_problem

    merged, sources = gather(launching, args, recipe)
    target = target_versions(options.target)
    out: list[Diagnostic] = []
    for given in args.given:
        problem = key_problem(given.name, merged.data.keys() - {given.name}, target["transformers"], target["trl"])
        if problem is None:
            continue
        span = launching.index.range(*given.name_span)
        fix = None
        if problem.rename:
            fix = Fix(f"Rename `--{given.name}` to `--{problem.rename}`", problem.safety,  # type: ignore[arg-type]
                      (TextEdit(span, problem.rename),))
        message = problem.message.replace("Some keys are not used", "Some specified arguments are not used")
        out.append(finding(problem.code, message, span, given.name, [fix] if fix else []))
    if not merged.data:
        return out
    alone: set[str] = set()
    if recipe is not None and recipe.kind == "recipe":
        alone = {d.code for d in evaluate(recipe, options).diagnostics}
    for diagnostic in evaluate(merged, options).diagnostics:
        if diagnostic.code not in alone:
            source = sources.get(diagnostic.path.split(".", 1)[0])
            if source is not None and source.origin == "recipe":
                diagnostic = diagnostic.replace(message=f"{diagnostic.message} ({source.where})")
            out.append(diagnostic.replace(fixes=[]))
    return out
