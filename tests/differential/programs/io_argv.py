# Exercises: sys.argv handling (arguments come from io_argv.args), argparse and simple option parsing.
import argparse
import sys

print("argv[0]:", sys.argv[0])
print("number of args:", len(sys.argv) - 1)
for i, arg in enumerate(sys.argv[1:], 1):
    print(f"  arg {i}: {arg!r}")

parser = argparse.ArgumentParser(prog="io_argv", description="demo")
parser.add_argument("numbers", nargs="*", type=int)
parser.add_argument("--verbose", "-v", action="store_true")
parser.add_argument("--name", default="world")
parser.add_argument("--scale", type=float, default=1.0)
args = parser.parse_args()
print(args.numbers, args.verbose, args.name, args.scale)
print("scaled sum:", sum(args.numbers) * args.scale)
if args.verbose:
    print(f"Hello, {args.name}!")
manual = {}
positional = []
for arg in sys.argv[1:]:
    if arg.startswith("--") and "=" in arg:
        key, value = arg[2:].split("=", 1)
        manual[key] = value
    elif arg.startswith("-"):
        manual[arg.lstrip("-")] = True
    else:
        positional.append(arg)
print(manual, positional)
try:
    parser.parse_args(["--scale", "abc"])
except SystemExit as e:
    print("argparse exited with code", e.code)
print(parser.format_usage().strip())
