"""Fixes: minimal text edits, applying them safely, and the FSDP1 -> FSDP2 migration."""
