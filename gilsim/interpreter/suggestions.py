"""The "Did you mean" hint that CPython 3.11 prints after an uncaught ``NameError`` or
``AttributeError``.

In 3.11 the hint is computed by C code while printing (``Python/suggestions.c``,
``_Py_Offer_Suggestions``), not by the ``traceback`` module, so gilsim reproduces that
algorithm here: a Levenshtein distance in which a change of case costs 1 and any other edit 2,
accepting a candidate only if at most about a third of the characters change.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

MAX_CANDIDATE_ITEMS = 750
MAX_STRING_SIZE = 40
MOVE_COST = 2
CASE_COST = 1


def _substitution_cost(a: str, b: str) -> int:
    if a == b:
        return 0
    if a.lower() == b.lower():
        return CASE_COST
    return MOVE_COST


def levenshtein_distance(a: str, b: str, max_cost: int) -> int:
    """Edit distance of ``a`` and ``b``, or ``max_cost + 1`` once it must exceed ``max_cost``
    (``levenshtein_distance`` in ``Python/suggestions.c``)."""
    if a == b:
        return 0
    while a and b and a[0] == b[0]:
        a, b = a[1:], b[1:]
    while a and b and a[-1] == b[-1]:
        a, b = a[:-1], b[:-1]
    if not a or not b:
        return (len(a) + len(b)) * MOVE_COST
    if len(a) > MAX_STRING_SIZE or len(b) > MAX_STRING_SIZE:
        return max_cost + 1
    if len(b) < len(a):
        a, b = b, a
    if (len(b) - len(a)) * MOVE_COST > max_cost:
        return max_cost + 1
    row = [MOVE_COST * (i + 1) for i in range(len(a))]
    result = 0
    for b_index, code in enumerate(b):
        distance = result = b_index * MOVE_COST
        minimum = None
        for index, char in enumerate(a):
            substitute = distance + _substitution_cost(code, char)
            distance = row[index]
            insert_delete = min(result, distance) + MOVE_COST
            result = min(insert_delete, substitute)
            row[index] = result
            if minimum is None or result < minimum:
                minimum = result
        if minimum is not None and minimum > max_cost:
            return max_cost + 1
    return result


def calculate_suggestion(candidates: Iterable[Any], name: str) -> str | None:
    """The closest candidate to ``name`` (``calculate_suggestions`` in 3.11)."""
    items = list(candidates)
    if len(items) >= MAX_CANDIDATE_ITEMS:
        return None
    best: str | None = None
    best_distance = None
    for item in items:
        if not isinstance(item, str) or item == name:
            continue
        max_distance = (len(name) + len(item) + 3) * MOVE_COST // 6
        if best_distance is not None:
            max_distance = min(max_distance, best_distance - 1)
        distance = levenshtein_distance(name, item, max_distance)
        if distance > max_distance:
            continue
        if best is None or best_distance is None or distance < best_distance:
            best, best_distance = item, distance
    return best


def for_name_error(name: str, varnames: Iterable[str], globals_: Any, builtins: Any) -> str | None:
    """Locals of the innermost frame first, then its globals, then builtins."""
    for candidates in (varnames, globals_, builtins):
        suggestion = calculate_suggestion(candidates, name)
        if suggestion is not None:
            return suggestion
    return None


def for_attribute_error(exc: AttributeError) -> str | None:
    name = getattr(exc, "name", None)
    obj = getattr(exc, "obj", None)
    if not isinstance(name, str) or obj is None:
        return None
    try:
        candidates = dir(obj)
    except Exception:
        return None
    return calculate_suggestion(candidates, name)
