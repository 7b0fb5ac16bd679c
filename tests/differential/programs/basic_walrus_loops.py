# Exercises: assignment expressions (:=) in while/if/comprehensions, loop else clauses and enumerate/zip/reversed idioms.
data = [3, 8, 1, 9, 4, 7]
it = iter(data)
while (n := next(it, None)) is not None:
    if n > 8:
        print("found big value", n)
        break
    print("small", n)
if (count := len(data)) > 5:
    print(f"list is long ({count} items)")
print([y for x in data if (y := x * x) > 20], y)
chunks = []
remaining = list(range(11))
while chunk := remaining[:4]:
    chunks.append(chunk)
    remaining = remaining[4:]
print(chunks)
for i, (a, b) in enumerate(zip("abc", reversed(range(3))), start=10):
    print(i, a, b)
for target in [4, 5]:
    for i, v in enumerate(data):
        if v == target:
            print(f"{target} found at index {i}")
            break
    else:
        print(f"{target} not found")
matrix = [[1, 2], [3, 4], [5, 6]]
for row_index, row in enumerate(matrix):
    for col_index, value in enumerate(row):
        if value == 4:
            print("4 at", (row_index, col_index))
print(list(zip(*matrix)), list(zip("ab", "xyz", strict=False)))
try:
    list(zip("ab", "xyz", strict=True))
except ValueError as e:
    print("ValueError:", e)
total = 0
for k in range(1, 20):
    if k % 2 == 0:
        continue
    if k > 11:
        break
    total += k
print("odd total", total, "last k", k)
print(list(reversed("abc")), list(reversed([1, 2, 3])), list(enumerate("xy")))
countdown = 3
while countdown:
    print("countdown", countdown)
    countdown -= 1
else:
    print("liftoff")
