// Starts `shardlint lsp` for YAML and JSON files. The server itself answers only for
// Accelerate and DeepSpeed configs, so it runs beside the usual YAML and JSON servers.
const vscode = require("vscode");
const { LanguageClient } = require("vscode-languageclient/node");

let client;

function activate() {
  const command = vscode.workspace.getConfiguration("shardlint").get("path", "shardlint");
  client = new LanguageClient("shardlint", "shardlint", { command, args: ["lsp"] }, {
    documentSelector: ["file", "untitled"].flatMap((scheme) =>
      ["yaml", "json"].map((language) => ({ scheme, language }))),
  });
  return client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
