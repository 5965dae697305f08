""""Did you mean": the closest known spelling of a misspelled key or value."""

from __future__ import annotations

from collections.abc import Iterable


def edit_distance(a: str, b: str, limit: int | None = None) -> int:
    """Optimal-string-alignment distance (insertions, deletions, substitutions, adjacent swaps).

    With ``limit``, gives up as soon as the distance must exceed it and returns ``limit + 1``.
    """
    if a == b:
        return 0
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        ca = a[i - 1]
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cb = b[j - 1]
            best = previous[j - 1] + (ca != cb)
            if previous[j] + 1 < best:
                best = previous[j] + 1
            if current[j - 1] + 1 < best:
                best = current[j - 1] + 1
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb and previous2[j - 2] + 1 < best:
                best = previous2[j - 2] + 1
            current[j] = best
        if limit is not None and min(current) > limit:
            return limit + 1
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
        limit = min(4, max(1, len(other) // 4))
        shorter, longer = sorted((target, other), key=len)
        if len(shorter) * 3 >= len(longer) * 2 and shorter in longer:
            distance = len(longer) - len(shorter)  # exactly the insertions
        elif len(longer) - len(shorter) > limit:
            continue  # the distance is at least the length difference
        else:
            distance = edit_distance(target, other, limit)
            if distance > limit:
                continue
        if best is None or distance < best[0]:
            best = (distance, candidate)
    return None if best is None else best[1]
