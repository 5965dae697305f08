"""Checks that need code (rule files with ``check: builtin``), one module per builtin family."""
