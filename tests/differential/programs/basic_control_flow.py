# Exercises: if/elif/else, while with else, for with else, break/continue, range steps.
def classify(n):
    if n < 0:
        return "negative"
    elif n == 0:
        return "zero"
    elif n % 2 == 0:
        return "even"
    else:
        return "odd"


for n in [-3, 0, 4, 7]:
    print(n, classify(n))

i = 0
while i < 10:
    i += 1
    if i % 3 == 0:
        continue
    if i == 8:
        print("breaking at", i)
        break
    print("while", i)
else:
    print("never printed")

for p in range(2, 30):
    for d in range(2, p):
        if p % d == 0:
            break
    else:
        print("prime", p)

n = 5
while n:
    n -= 1
else:
    print("while-else ran, n =", n)

print(list(range(10, 0, -3)), list(range(0)), list(range(-5, 5, 4)))
r = range(3, 50, 7)
print(r, len(r), r[2], r[-1], 24 in r, 25 in r, r.index(17), r[1:4])
x = 7
result = "big" if x > 5 else "small"
print(result)
total = 0
for a in range(4):
    for b in range(4):
        if a == b:
            continue
        total += a * b
print("total", total)
# pass and ellipsis as statements
if True:
    pass
...
print("done")
