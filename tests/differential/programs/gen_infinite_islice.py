# Exercises: infinite generators tamed with itertools.islice/takewhile/count/cycle and a prime sieve.
import itertools


def naturals(start=1):
    n = start
    while True:
        yield n
        n += 1


def primes():
    found = []
    for n in naturals(2):
        if all(n % p for p in found if p * p <= n):
            found.append(n)
            yield n


def collatz(n):
    while True:
        yield n
        if n == 1:
            return
        n = n // 2 if n % 2 == 0 else 3 * n + 1


print(list(itertools.islice(naturals(), 10)))
print(list(itertools.islice(primes(), 20)))
print(list(itertools.islice(primes(), 100, 105)))
print(list(itertools.islice(naturals(), 5, 30, 6)))
print(list(itertools.takewhile(lambda p: p < 40, primes())))
print(list(collatz(27))[:15], len(list(collatz(27))))
print(list(itertools.islice(itertools.cycle("ABC"), 8)))
print(list(itertools.islice(itertools.count(10, 2.5), 4)))
print(list(itertools.islice(itertools.repeat("x"), 3)), list(itertools.repeat(7, 2)))
squares = (n * n for n in naturals())
print(next(x for x in squares if x > 500))
print(next(squares), next(squares))
evens = filter(lambda n: n % 2 == 0, naturals())
tripled = map(lambda n: n * 3, evens)
print(list(itertools.islice(tripled, 6)))
gen = primes()
batch = []
for p in gen:
    if p > 50:
        break
    batch.append(p)
print(batch, next(gen))
pairs = zip(naturals(), "abc")
print(list(pairs))
acc = itertools.accumulate(naturals())
print(list(itertools.islice(acc, 8)))
print(list(itertools.dropwhile(lambda x: x < 5, itertools.islice(naturals(), 9))))
