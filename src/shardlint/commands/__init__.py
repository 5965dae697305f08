"""One module per subcommand, each with ``add_arguments(parser)`` and ``run(args) -> int``.

Modules import their heavy dependencies inside ``run`` so that start-up stays lean.
"""

COMMANDS = {
    "check": "Lint Accelerate and DeepSpeed config files (the default job).",
}
