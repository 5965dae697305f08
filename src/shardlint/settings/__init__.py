"""Project configuration (``[tool.shardlint]`` / ``.shardlint.toml``) and how it applies to a file.

``model`` holds what a configuration says, ``resolve`` which configuration applies to a file,
``finish`` applies it to the findings; import them from those modules.
"""
