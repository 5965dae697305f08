"""The input family (SL001-SL009): what keeps a file from being read as a config.

The loaders report a :class:`~shardlint.loading.problems.Problem` by kind; the codes are given here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from shardlint.builtins import finding
from shardlint.diagnostics import Diagnostic

if TYPE_CHECKING:
    from shardlint.document import Document
    from shardlint.loading.problems import Problem

# a loader's problem kind -> its code
PROBLEM_CODES = {"syntax": "SL001", "duplicate-key": "SL002", "not-text": "SL004", "over-a-limit": "SL005",
                 "tag": "SL006"}
# load problems that mean "this file is broken": no usable document, nothing to fix, worth reporting in a walk
BROKEN = frozenset(PROBLEM_CODES[kind] for kind in ("syntax", "not-text", "over-a-limit", "tag"))


def problem_finding(doc: Document, problem: Problem) -> Diagnostic:
    return finding(PROBLEM_CODES[problem.kind], problem.message,
                   doc.index.range(problem.start, max(problem.start, problem.end)))


def empty_file(doc: Document) -> Diagnostic:
    return finding("SL003", "the file is empty", doc.range(()))


def not_a_mapping(doc: Document) -> Diagnostic:
    return finding("SL007", f"the top level is a {type(doc.data).__name__}, but a config file must be a mapping "
                            "of keys", doc.range(()))


def unreadable(doc: Document, message: str) -> Diagnostic:
    return finding("SL008", message, doc.range(()))


def not_a_config(doc: Document) -> Diagnostic:
    return finding("SL009", "not an Accelerate or DeepSpeed config (no distributed_type, compute_environment "
                            "or DeepSpeed section at the top); not checked", doc.range(()))


def no_launch_command(doc: Document) -> Diagnostic:
    return finding("SL009", "no accelerate launch, torchrun or deepspeed command found; not checked", doc.range(()))
