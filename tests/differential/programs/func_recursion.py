# Exercises: recursion (factorial, fibonacci, hanoi, permutations) and catching RecursionError.
import sys


def fact(n):
    return 1 if n <= 1 else n * fact(n - 1)


def fib(n):
    return n if n < 2 else fib(n - 1) + fib(n - 2)


def hanoi(n, src, dst, via, moves):
    if n == 0:
        return
    hanoi(n - 1, src, via, dst, moves)
    moves.append((src, dst))
    hanoi(n - 1, via, dst, src, moves)


def permutations(items):
    if len(items) <= 1:
        return [items]
    out = []
    for i, x in enumerate(items):
        for rest in permutations(items[:i] + items[i + 1:]):
            out.append([x] + rest)
    return out


def flatten(nested):
    for item in nested:
        if isinstance(item, list):
            yield from flatten(item)
        else:
            yield item


print([fact(i) for i in range(10)], fact(30))
print([fib(i) for i in range(15)])
moves = []
hanoi(4, "A", "C", "B", moves)
print(len(moves), moves[:5])
print(permutations([1, 2, 3]))
print(list(flatten([1, [2, [3, [4, [5]]]], 6])))


def forever(n):
    return forever(n + 1)


try:
    forever(0)
except RecursionError as exc:
    print("caught", type(exc).__name__)
print("limit", sys.getrecursionlimit())


def is_even(n):
    return True if n == 0 else is_odd(n - 1)


def is_odd(n):
    return False if n == 0 else is_even(n - 1)


print(is_even(10), is_odd(7), is_even(301))
