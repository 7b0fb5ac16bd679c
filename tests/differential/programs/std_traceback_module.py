# Exercises: caught exceptions formatted with the traceback module (format_exc, print_exc to stdout, format_exception_only).
import sys
import traceback


def level3(x):
    return {"a": 1}[x]


def level2(x):
    return level3(x) * 2


def level1(x):
    return level2(x) + 1


try:
    level1("b")
except KeyError:
    text = traceback.format_exc()
    print("format_exc has", len(text.splitlines()), "lines")
    print(text.replace(__file__, "<this file>"), end="")

try:
    level1("zz")
except KeyError as e:
    print("format_exception_only:", traceback.format_exception_only(type(e), e))
    frames = traceback.extract_tb(e.__traceback__)
    print([(f.name, f.lineno, f.line) for f in frames])

try:
    try:
        1 / 0
    except ZeroDivisionError as inner:
        raise ValueError("wrapped") from inner
except ValueError:
    traceback.print_exc(file=sys.stdout)

try:
    [].pop()
except IndexError as e:
    lines = traceback.format_exception(e)
    print("".join(lines).count("Traceback"), lines[-1], end="")
stack = traceback.format_stack()
print("format_stack entries:", len(stack))
print("last entry mentions this module:", "<module>" in stack[-1])
