"""``shardlint lsp``: a language server over stdio (needs the ``lsp`` extra, pygls 2.x).

The transport-free parts (``session``, ``hover``, ``completion``, ``code_actions``
...) work on shardlint's own model and lsprotocol types; ``server`` wires them
to pygls.
"""
