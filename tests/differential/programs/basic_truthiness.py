# Exercises: truthiness of built-in values, short-circuit evaluation of and/or, conditional expressions and chained comparisons.
values = [0, 1, -1, 0.0, 0j, "", " ", "0", [], [0], (), ((),), {}, {0: 0}, set(), None, False, True, range(0), range(1), b"", bytearray(1)]
for v in values:
    print(f"{v!r:14} -> {bool(v)}")


def loud(label, result):
    print(f"  evaluating {label}")
    return result


print("and:", loud("A", 0) and loud("B", 1))
print("and:", loud("A", 2) and loud("B", 3))
print("or:", loud("A", "") or loud("B", "fallback"))
print("or:", loud("A", "first") or loud("B", "never"))
print("not:", not loud("A", []))
print("mixed:", loud("A", 1) and loud("B", 0) or loud("C", "c"))
x = 5
print(1 < x < 10, 1 < x > 10, x == 5 == 5.0, 1 < loud("mid", 3) < 2 < loud("skipped", 0))
print([] or {} or 0 or None, 0 and 1 / 0, 1 if [] else 2, "yes" if "no" else "no")
print(None or [], (None or [])  == [], [] and "unreached", [1] and "reached")
name = ""
print(name or "anonymous", len(name or "anonymous"))
print(all([]), any([]), all([1, "a", [0]]), any([0, "", None]), sum([True, True, False]))
print(bool(NotImplemented) if False else "skip", bool(...), bool(object()))
print(True == 1, False == 0, True is not False, 2 * True, True / 2, -True, True + True)
count = 0
while count < 3 and loud(f"cond {count}", True):
    count += 1
print("count", count)
a = b = 0
print((a := a + 1) and (b := b + 10), a, b)
