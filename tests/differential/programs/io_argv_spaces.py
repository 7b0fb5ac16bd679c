# Exercises: arguments containing spaces, unicode and empty strings (from io_argv_spaces.args).
import sys

args = sys.argv[1:]
print(len(args), args)
for a in args:
    print(f"{a!r:24} len={len(a):2} words={len(a.split())} upper={a.upper()!r}")
print(" | ".join(reversed(args)))
print(sys.argv[0].endswith(".py"), type(sys.argv).__name__)
total = 0
for a in args:
    try:
        total += int(a)
    except ValueError:
        print("not a number:", repr(a))
print("total of numeric args:", total)
