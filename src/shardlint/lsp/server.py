"""The pygls wiring: LSP messages in, session calls, diagnostics and answers out."""

from __future__ import annotations

import asyncio
import logging
import sys
import threading
import traceback
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from lsprotocol import types
from pygls.io_ import StdinAsyncReader, StdoutWriter
from pygls.lsp.server import LanguageServer
from pygls.uris import to_fs_path

from shardlint import __version__
from shardlint.lint import FileResult
from shardlint.loading.reader import choose_syntax
from shardlint.lsp.client_settings import SECTION, ClientSettings, parse_settings
from shardlint.lsp.code_actions import KINDS, EditBuilder, code_actions
from shardlint.lsp.completion import TRIGGER_CHARACTERS, complete
from shardlint.lsp.encoding import PositionEncoder
from shardlint.lsp.folder_settings import may_change_settings, watched_globs
from shardlint.lsp.hover import hover
from shardlint.lsp.protocol import ShardlintProtocol
from shardlint.lsp.session import Session, freeze_warm_objects
from shardlint.lsp.stdio import FramingError, serve_stream
from shardlint.options import LintOptions
from shardlint.textindex import TextIndex

DEBOUNCE_SECONDS = 0.15
WATCHED = ["**/*.json", "**/*.yaml", "**/*.yml", *watched_globs()]  # linked configs, settings and pins
log = logging.getLogger(__name__)


def uri_path(uri: str) -> Path:
    """The file behind ``uri``; an unsaved buffer (``untitled:``) gets a path from its name."""
    fs_path = to_fs_path(uri)
    if fs_path is not None:
        return Path(fs_path).resolve()
    return Path(unquote(urlparse(uri).path) or "untitled")


class ShardlintServer(LanguageServer):
    protocol: ShardlintProtocol

    def __init__(self) -> None:
        super().__init__("shardlint", __version__, protocol_cls=ShardlintProtocol)
        self.settings = ClientSettings()
        self.initial_settings: Any = None  # from initializationOptions: used when the client has none to pull
        self.options: LintOptions = self.settings.lint_options()
        self.session = Session(lambda: self.options)
        self.pending: dict[str, asyncio.TimerHandle] = {}
        self.reported: set[str] = set()

    # --- settings ---------------------------------------------------------------------

    @property
    def can_pull_settings(self) -> bool:
        workspace = self.client_capabilities.workspace
        return bool(workspace and workspace.configuration)

    def apply_settings(self, raw: Any) -> None:
        self.settings = parse_settings(raw if raw else self.initial_settings)
        self.options = self.settings.lint_options()
        for problem in self.settings.problems:
            self.warn(problem)
        self.relint(list(self.session.files))

    def pull_settings(self) -> None:
        """Ask the client for the ``shardlint`` section (when it can answer)."""
        if not self.can_pull_settings:
            return

        def received(future: Any) -> None:
            try:
                values = future.result()
            except Exception as exc:  # the client refused: keep what we have
                log.warning("workspace/configuration failed: %s", exc)
                return
            self.apply_settings(values[0] if values else None)

        self.workspace_configuration(
            types.ConfigurationParams(items=[types.ConfigurationItem(section=SECTION)])
        ).add_done_callback(received)

    def warn(self, message: str) -> None:
        if message not in self.reported:
            self.reported.add(message)
            self.window_show_message(types.ShowMessageParams(type=types.MessageType.Warning, message=message))

    # --- linting ----------------------------------------------------------------------

    def publish(self, uri: str) -> None:
        self.pending.pop(uri, None)
        file = self.session.files.get(uri)
        if file is None:
            return
        diagnostics: list[types.Diagnostic] = []
        if self.settings.enable:
            try:
                diagnostics = self.session.diagnostics(uri)
            except Exception as exc:  # a bad project configuration, or a bug: say so, keep serving
                from shardlint.settings.model import ConfigError

                if isinstance(exc, ConfigError):
                    self.warn(f"shardlint: {exc}")
                else:
                    self.window_log_message(types.LogMessageParams(
                        type=types.MessageType.Error, message=traceback.format_exc()))
                    self.warn(f"shardlint failed on {file.path.name}: {exc!r} (details in the log)")
        self.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=uri, version=file.version, diagnostics=diagnostics))
        freeze_warm_objects()

    def lint_for_request(self, uri: str) -> FileResult | None:
        """The lint a hover or code action works on; None when linting is off or the project's
        configuration is invalid (said once as a warning, not as a failed request on every hover)."""
        if not self.settings.enable:
            return None
        from shardlint.settings.model import ConfigError

        try:
            return self.session.lint(uri)
        except ConfigError as exc:
            self.warn(f"shardlint: {exc}")
            return None

    def request_target(self, uri: str) -> dict[str, str] | None:
        """The buffer's targeted versions for a recipe's hover or completion; None (the latest
        releases) when the project's configuration is invalid (the lint says so)."""
        from shardlint.settings.model import ConfigError

        try:
            return self.session.target(uri)
        except ConfigError:
            return None

    def schedule(self, uri: str, delay: float = DEBOUNCE_SECONDS) -> None:
        handle = self.pending.pop(uri, None)
        if handle is not None:
            handle.cancel()
        self.pending[uri] = asyncio.get_running_loop().call_later(delay, self.publish, uri)

    def relint(self, uris: list[str], delay: float | None = None) -> None:
        self.session.invalidate(uris)
        for uri in uris:
            if delay is None:
                self.publish(uri)
            else:
                self.schedule(uri, delay)

    def reads_settings(self, path: Path) -> bool:
        """Whether a change of ``path`` may change the open buffers' settings (the ``configFile``
        setting may name a file of any name)."""
        config = self.options.config_file
        return may_change_settings(path) or (config is not None and path == Path(config).resolve())

    def settings_changed(self) -> None:
        """A configuration or pin file changed on disk: every open buffer's settings are resolved anew."""
        self.session.forget_settings()
        self.relint(list(self.session.files))

    def cancel(self, uri: str) -> None:
        handle = self.pending.pop(uri, None)
        if handle is not None:
            handle.cancel()

    def run_stdio(self) -> int:
        """Serve over standard input and output until ``exit`` or the end of input; the exit code."""
        self._stop_event = threading.Event()
        self.protocol.set_writer(StdoutWriter(sys.stdout.buffer))
        reader = StdinAsyncReader(sys.stdin.buffer, self.thread_pool)
        try:
            asyncio.run(serve_stream(reader, self.protocol, self._stop_event))
        except SystemExit as exc:  # pygls' exit handler: 0 after shutdown, 1 without (as the spec says)
            return exc.code if isinstance(exc.code, int) else 1
        except FramingError as exc:
            log.error("%s: the message stream cannot be followed any further, so the server stops", exc)
            return 1
        except BrokenPipeError:
            log.error("the client closed the connection")
            return 1
        finally:
            self.shutdown()
        return 0

    def edit_builder(self, uri: str) -> EditBuilder:
        workspace = self.client_capabilities.workspace
        edits = workspace.workspace_edit if workspace else None
        file = self.session.files.get(uri)
        return EditBuilder(uri, file.version if file else None, bool(edits and edits.document_changes))


server = ShardlintServer()


@server.feature(types.INITIALIZE)
def initialize(ls: ShardlintServer, params: types.InitializeParams) -> None:
    ls.session.encoder = PositionEncoder(ls.workspace.position_encoding or types.PositionEncodingKind.Utf16)
    if params.initialization_options:
        ls.initial_settings = params.initialization_options
        ls.settings = parse_settings(params.initialization_options)
        ls.options = ls.settings.lint_options()


@server.feature(types.INITIALIZED)
def initialized(ls: ShardlintServer, params: types.InitializedParams) -> None:
    for problem in ls.settings.problems:
        ls.warn(problem)
    ls.pull_settings()
    workspace = ls.client_capabilities.workspace
    registrations = []
    if workspace and workspace.did_change_configuration and workspace.did_change_configuration.dynamic_registration:
        # pull-model clients notify changes only to servers that register for them
        registrations.append(types.Registration(id="shardlint-settings",
                                                method=types.WORKSPACE_DID_CHANGE_CONFIGURATION))
    if workspace and workspace.did_change_watched_files and workspace.did_change_watched_files.dynamic_registration:
        registrations.append(types.Registration(
            id="shardlint-watch", method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
            register_options=types.DidChangeWatchedFilesRegistrationOptions(
                watchers=[types.FileSystemWatcher(glob_pattern=g) for g in WATCHED])))
    if registrations:
        ls.client_register_capability(types.RegistrationParams(registrations=registrations))


@server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
def did_change_configuration(ls: ShardlintServer, params: types.DidChangeConfigurationParams) -> None:
    if ls.can_pull_settings:
        ls.pull_settings()
    elif isinstance(params.settings, dict):
        ls.apply_settings(params.settings.get(SECTION, params.settings))


@server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
def did_change_watched_files(ls: ShardlintServer, params: types.DidChangeWatchedFilesParams) -> None:
    changed = [uri_path(change.uri) for change in params.changes]
    if any(ls.reads_settings(path) for path in changed):
        ls.settings_changed()
        return
    ls.relint(sorted({uri for path in changed for uri in ls.session.dependents(path)}))


@server.feature(types.TEXT_DOCUMENT_DID_OPEN)
def did_open(ls: ShardlintServer, params: types.DidOpenTextDocumentParams) -> None:
    doc = params.text_document
    ls.session.open(doc.uri, uri_path(doc.uri), doc.text, doc.version)
    ls.publish(doc.uri)


@server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
def did_change(ls: ShardlintServer, params: types.DidChangeTextDocumentParams) -> None:
    uri = params.text_document.uri
    ls.session.update(uri, ls.workspace.get_text_document(uri).source, params.text_document.version)
    if ls.settings.lint_on_change:
        ls.schedule(uri)
        file = ls.session.files.get(uri)
        if file is not None:
            ls.relint(ls.session.dependents(file.path), DEBOUNCE_SECONDS)


@server.feature(types.TEXT_DOCUMENT_DID_SAVE)
def did_save(ls: ShardlintServer, params: types.DidSaveTextDocumentParams) -> None:
    uri = params.text_document.uri
    ls.cancel(uri)
    if ls.reads_settings(uri_path(uri)):  # seen also where the editor watches no files for the server
        ls.settings_changed()
        return
    ls.publish(uri)
    file = ls.session.files.get(uri)
    if file is not None:
        ls.relint(ls.session.dependents(file.path))


@server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
def did_close(ls: ShardlintServer, params: types.DidCloseTextDocumentParams) -> None:
    uri = params.text_document.uri
    ls.cancel(uri)
    file = ls.session.files.get(uri)
    ls.session.close(uri)
    ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))
    if file is not None:  # its configs fall back to the file on disk
        ls.relint(ls.session.dependents(file.path))


@server.feature(types.TEXT_DOCUMENT_CODE_ACTION, types.CodeActionOptions(code_action_kinds=KINDS))
def code_action(ls: ShardlintServer, params: types.CodeActionParams) -> list[types.CodeAction] | None:
    uri = params.text_document.uri
    result = ls.lint_for_request(uri)
    if result is None:
        return None
    return code_actions(result, params, lambda: ls.session.fixed_text(uri), ls.session.encoder,
                        ls.edit_builder(uri)) or None


@server.feature(types.TEXT_DOCUMENT_HOVER)
def on_hover(ls: ShardlintServer, params: types.HoverParams) -> types.Hover | None:
    uri = params.text_document.uri
    result = ls.lint_for_request(uri)
    if result is None:
        return None
    offset = ls.session.encoder.offset(result.document.index, params.position)
    caps = ls.client_capabilities.text_document
    formats = caps.hover.content_format if caps and caps.hover else None
    markdown = not formats or types.MarkupKind.Markdown in formats
    return hover(result, offset, ls.session.encoder, ls.session.files[uri].kind, markdown, ls.request_target(uri))


@server.feature(types.TEXT_DOCUMENT_COMPLETION, types.CompletionOptions(trigger_characters=TRIGGER_CHARACTERS))
def on_completion(ls: ShardlintServer, params: types.CompletionParams) -> types.CompletionList | None:
    file = ls.session.files.get(params.text_document.uri)
    if file is None or not ls.settings.enable:
        return None
    syntax = choose_syntax(file.path, file.text)
    # a half-typed buffer rarely parses: the kind its last good lint found is the best guess
    kind = file.kind or ("deepspeed" if syntax == "json" else "accelerate")
    offset = ls.session.encoder.offset(TextIndex(file.text), params.position)
    return complete(file.text, syntax, kind, offset, ls.session.encoder, file.data, ls.request_target(file.uri))


@server.feature(types.SHUTDOWN)
def shutdown(ls: ShardlintServer, params: None) -> None:
    for uri in list(ls.pending):
        ls.cancel(uri)


def serve() -> int:
    return server.run_stdio()
