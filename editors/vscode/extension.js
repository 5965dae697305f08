// Starts `shardlint lsp` for YAML, JSON, shell, Markdown and Makefile files. The server itself answers
// only for Accelerate and DeepSpeed configs and files with launch commands, so it runs beside the usual
// servers of those languages.
const vscode = require("vscode");
const { LanguageClient } = require("vscode-languageclient/node");

const LANGUAGES = ["yaml", "json", "shellscript", "markdown", "makefile"];
let client;

function activate() {
  const command = vscode.workspace.getConfiguration("shardlint").get("path", "shardlint");
  client = new LanguageClient("shardlint", "shardlint", { command, args: ["lsp"] }, {
    documentSelector: ["file", "untitled"].flatMap((scheme) =>
      LANGUAGES.map((language) => ({ scheme, language }))),
  });
  return client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
