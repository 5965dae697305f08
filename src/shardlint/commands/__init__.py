"""One module per subcommand, each with ``add_arguments(parser)`` and ``run(args) -> int``.

Modules import their heavy dependencies inside ``run`` so that start-up stays lean.
"""

COMMANDS = {
    "check": "Lint Accelerate and DeepSpeed config files (the default job).",
    "rules": "List every rule: code, name, severity and what it checks.",
    "rule": "Show one rule's documentation: what it checks, why, its source and examples.",
    "test-rules": "Run the examples of the project's own rules (rule-paths) and report which hold.",
    "lsp": "Run the language server over stdio (needs the 'lsp' extra: pip install 'shardlint[lsp]').",
    "convert": "Convert an Accelerate config between FSDP, FSDP2 and DeepSpeed, keeping comments.",
    "estimate": "Estimate the per-GPU and per-node memory a config needs for a model, FSDP and DeepSpeed side by side.",
    "targets": "Show the library versions files are judged by and where each was read (--target, requirement files).",
    "effective": "Show the settings each launch command in a script really runs with, and where each comes from.",
    "daemon": "Keep shardlint loaded in a background process that runs each check, so a run starts at once.",
    "schema": "Print the JSON Schema of Accelerate or DeepSpeed configs, for editors.",
}
