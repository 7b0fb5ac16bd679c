# Exercises: reading sys.stdin line by line and in bulk, word counts and a tiny CSV parse from stdin.
import sys

header = sys.stdin.readline()
print("header:", header.rstrip("\n").split(","))
rows = []
for line in sys.stdin:
    line = line.rstrip("\n")
    if line == "---":
        break
    rows.append(line.split(","))
print(len(rows), "rows")
for name, qty, price in rows:
    print(f"  {name:<8} {int(qty):>4} x {float(price):6.2f} = {int(qty) * float(price):8.2f}")
print("total:", round(sum(int(q) * float(p) for _, q, p in rows), 2))
rest = sys.stdin.read()
print("remaining text has", len(rest.splitlines()), "lines and", len(rest.split()), "words")
freq = {}
for word in rest.lower().split():
    word = word.strip(".,!?")
    freq[word] = freq.get(word, 0) + 1
print(sorted(freq.items(), key=lambda kv: (-kv[1], kv[0]))[:5])
print(repr(sys.stdin.read()), repr(sys.stdin.readline()), sys.stdin.readlines())
print(sys.stdin.isatty(), sys.stdin.encoding.lower().replace("-", ""))
