"""Launch commands (``accelerate launch``, ``torchrun``, ``deepspeed``) found in scripts and docs.

``regions`` finds the shell source in a file, ``shell`` turns it into commands of
words with positions, ``launchers`` recognises the launch commands among them.
"""
