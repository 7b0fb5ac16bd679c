# Exercises: match with literals, captures, wildcards, sequence patterns, star patterns and guards.
def describe(value):
    match value:
        case 0:
            return "zero"
        case 1 | 2 | 3:
            return "small"
        case True:
            return "unreachable: True == 1 matched above"
        case None:
            return "none"
        case "hello" | "hi":
            return "greeting"
        case []:
            return "empty sequence"
        case [x]:
            return f"singleton {x!r}"
        case [x, y] if x == y:
            return f"pair of equal {x}"
        case [x, y]:
            return f"pair {x}, {y}"
        case [first, *_, last] if len(value) > 4:
            return f"long sequence {first}..{last}"
        case [first, *middle, last]:
            return f"sequence {first} {middle} {last}"
        case str() as s if len(s) > 3:
            return f"long string {s}"
        case float(f) | int(f) if f < 0:
            return f"negative {f}"
        case _:
            return f"something else: {type(value).__name__}"


tests = [0, 2, True, False, None, "hi", [], (), [7], ("a", "a"), [1, 2], [1, 2, 3],
         list(range(8)), "words", "abc", -4, -2.5, 99, {"k": 1}, "x", (1, (2, 3))]
for t in tests:
    print(f"{t!r:28} -> {describe(t)}")


def command(text):
    match text.split():
        case ["go", ("north" | "south" | "east" | "west") as direction]:
            return f"moving {direction}"
        case ["go", _]:
            return "unknown direction"
        case ["take", *items] if items:
            return f"taking {', '.join(items)}"
        case ["quit" | "exit"]:
            return "bye"
        case [cmd, *args]:
            return f"unknown command {cmd!r} with {len(args)} args"
        case []:
            return "no input"


for line in ["go north", "go up", "take lamp key", "take", "exit", "dance wildly now", ""]:
    print(f"{line!r:20} -> {command(line)}")

match (1, [2, 3], "x"):
    case (a, [b, *c], str(d)):
        print("nested capture:", a, b, c, d)
match "abc":
    case [*chars]:
        print("strings are not sequences here:", chars)
    case _:
        print("str does not match sequence patterns")
match b"xy":
    case [*_]:
        print("bytes matched")
    case _:
        print("bytes do not match sequence patterns either")
