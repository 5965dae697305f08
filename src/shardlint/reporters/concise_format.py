"""``--format concise``: one ``path:line:col: CODE [severity] message`` line per finding, then the summary."""

from __future__ import annotations

from shardlint.lint import Report
from shardlint.reporters import View
from shardlint.reporters.text_format import render as render_text


def render(report: Report, *, color: bool = False, view: View = View()) -> str:
    return render_text(report, color=color, view=view, concise=True)
