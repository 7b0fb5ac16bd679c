# Exercises: itertools (chain, product, permutations, combinations, groupby, accumulate, zip_longest, tee, pairwise...).
import itertools
import operator

print(list(itertools.chain([1, 2], "ab", range(2))), list(itertools.chain.from_iterable([[1], [2, 3]])))
print(list(itertools.product("ab", repeat=2)), len(list(itertools.product(range(3), "xy", [True]))))
print(list(itertools.permutations("abc", 2)))
print(list(itertools.combinations(range(5), 3)))
print(list(itertools.combinations_with_replacement("ab", 2)))
data = sorted(["apple", "avocado", "banana", "blueberry", "cherry", "akee"], key=lambda w: w[0])
for key, group in itertools.groupby(data, key=lambda w: w[0]):
    print(" ", key, list(group))
print([(k, len(list(g))) for k, g in itertools.groupby("aaabccdddd")])
print(list(itertools.accumulate([1, 2, 3, 4, 5])), list(itertools.accumulate([3, 1, 4, 1, 5], max)))
print(list(itertools.accumulate([1, 2, 3], operator.mul, initial=10)))
print(list(itertools.zip_longest("abc", [1], fillvalue="-")))
print(list(itertools.compress("abcdef", [1, 0, 1, 0, 1, 1])), list(itertools.filterfalse(str.isdigit, "a1b2")))
print(list(itertools.starmap(pow, [(2, 3), (3, 2), (10, 0)])))
print(list(itertools.pairwise([1, 4, 9, 16])), list(itertools.islice("abcdefg", 1, None, 2)))
left, right = itertools.tee(iter(range(4)))
print(list(left), list(right))
counter = itertools.count(start=5, step=-2)
print([next(counter) for _ in range(4)])
print(list(itertools.takewhile(lambda x: x < 3, [1, 2, 3, 1])), list(itertools.dropwhile(lambda x: x < 3, [1, 2, 3, 1])))
flat = list(itertools.chain.from_iterable(itertools.repeat("ab", 2)))
print(flat)


def chunks(iterable, n):
    it = iter(iterable)
    while batch := list(itertools.islice(it, n)):
        yield batch


print(list(chunks(range(10), 4)))
totals = {k: sum(v for _, v in g) for k, g in itertools.groupby(sorted([("x", 1), ("y", 2), ("x", 3)]), key=operator.itemgetter(0))}
print(totals)
grid = [(r, c) for r, c in itertools.product(range(3), repeat=2) if r != c]
print(grid)
print(sum(1 for _ in itertools.permutations(range(5))), next(itertools.cycle([7])))
