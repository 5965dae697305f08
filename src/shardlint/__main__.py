import sys

from shardlint.cli import entry

sys.exit(entry())
