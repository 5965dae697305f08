"""How the libraries read a setting: one record per setting, the single home of that knowledge.

The engine's effective values, ``convert``, the fixes and the language server all read these
records; none of them keeps its own default, normaliser or key list.
"""
