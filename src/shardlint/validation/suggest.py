""""Did you mean": the closest known spelling of a misspelled key or value."""

from __future__ import annotations

from collections.abc import Iterable


def edit_distance(a: str, b: str) -> int:
    """Optimal-string-alignment distance: insertions, deletions, substitutions, adjacent swaps."""
    if a == b:
        return 0
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = ca != cb
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        previous2, previous = previous, current
    return previous[-1]


def closest(word: str, candidates: Iterable[str], *, ignore_case: bool = True) -> str | None:
    """The candidate ``word`` most plausibly meant, or ``None`` when nothing is close.

    Close means a few edits for the word's length (a quarter of it, at least one,
    at most four), or one spelling containing the other when the shorter has at
    least two thirds of the longer's length (``train_micro_batch_size`` ->
    ``train_micro_batch_size_per_gpu``).  Ties go to the earlier candidate.
    """
    fold = str.lower if ignore_case else str
    target = fold(word)
    best: tuple[int, str] | None = None
    for candidate in candidates:
        other = fold(candidate)
        if other == target:
            return candidate
        distance = edit_distance(target, other)
        limit = min(4, max(1, len(other) // 4))
        shorter, longer = sorted((target, other), key=len)
        contained = len(shorter) * 3 >= len(longer) * 2 and shorter in longer
        if distance <= limit or contained:
            if best is None or distance < best[0]:
                best = (distance, candidate)
    return None if best is None else best[1]
