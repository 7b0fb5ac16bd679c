# Exercises: ExceptionGroup, except* splitting, nested groups, subgroup/split and add_note.
def run_all(tasks):
    errors = []
    for name, func in tasks:
        try:
            func()
            print("  ok:", name)
        except Exception as e:
            e.add_note(f"while running {name}")
            errors.append(e)
    if errors:
        raise ExceptionGroup("some tasks failed", errors)


def bad_value():
    raise ValueError("bad value")


def bad_type():
    raise TypeError("bad type")


def bad_key():
    {}["nope"]


try:
    run_all([("good", lambda: None), ("v", bad_value), ("t", bad_type), ("k", bad_key), ("v2", bad_value)])
except* ValueError as eg:
    print("ValueErrors:", [str(e) for e in eg.exceptions], eg.message)
except* (TypeError, KeyError) as eg:
    print("Type/Key errors:", [repr(e) for e in eg.exceptions])
    print("notes:", [e.__notes__ for e in eg.exceptions])

eg = ExceptionGroup("outer", [
    ValueError("v1"),
    ExceptionGroup("inner", [TypeError("t1"), ValueError("v2")]),
    KeyError("k1"),
])
print(repr(eg))
print(str(eg), len(eg.exceptions))
match, rest = eg.split(ValueError)
print("split match:", repr(match))
print("split rest:", repr(rest))
print("subgroup:", repr(eg.subgroup(lambda e: isinstance(e, (KeyError, TypeError)))))
print("none:", eg.subgroup(ZeroDivisionError))

try:
    try:
        raise eg
    except* TypeError as g:
        print("handled TypeError part:", repr(g))
except ExceptionGroup as remaining:
    print("propagated remainder:", repr(remaining))

try:
    raise ValueError("naked")
except* ValueError as g:
    print("naked exception wrapped:", repr(g), type(g).__name__)

bg = BaseExceptionGroup("base", [KeyboardInterrupt(), ValueError()])
print(type(bg).__name__, type(BaseExceptionGroup("b", [ValueError()])).__name__)
try:
    ExceptionGroup("empty", [])
except ValueError as e:
    print("ValueError:", e)
try:
    ExceptionGroup("bad", [KeyboardInterrupt()])
except TypeError as e:
    print("TypeError:", e)
