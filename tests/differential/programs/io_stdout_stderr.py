# Exercises: print sep/end/flush/file, sys.stdout.write return value, stderr output and print to StringIO.
import io
import sys

print("a", "b", "c")
print("a", "b", "c", sep="")
print("a", "b", "c", sep=" -> ", end=" <end>\n")
print("no newline", end="")
print(" ...continued")
print()
print(*range(5), sep=", ")
print("flushed", flush=True)
n = sys.stdout.write("written with sys.stdout.write\n")
print("write returned", n)
sys.stdout.writelines(["line A\n", "line B\n"])
print("to stderr", file=sys.stderr)
sys.stderr.write("stderr via write\n")
print("error-ish", 42, sep=":", file=sys.stderr)
buf = io.StringIO()
print("into buffer", 1, 2, file=buf, sep="|")
print("buffer holds", repr(buf.getvalue()))
print(None, True, 3.0, [1, "x"], {"k": (1,)}, sep="\n")
print("tabs\tand\\backslashes", 'quotes "double"', "unicode: é ✓ 漢字")
print(sep="ignored", end="only end\n")
try:
    print("x", sep=5)
except TypeError as e:
    print("TypeError:", e)
print("stdout encoding is", sys.stdout.encoding.lower().replace("-", ""), sys.stdout.isatty())
print(sys.stdout is sys.__stdout__, sys.stderr.name if hasattr(sys.stderr, "name") else None)
print("mixed", file=sys.stdout)
print("last line on stderr", file=sys.stderr)
