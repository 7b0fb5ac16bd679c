# Exercises: closures with nonlocal, independent closure instances and __closure__ cell contents.
def make_counter(start=0, step=1):
    count = start

    def increment():
        nonlocal count
        count += step
        return count

    def reset():
        nonlocal count
        count = start

    return increment, reset


inc_a, reset_a = make_counter()
inc_b, _ = make_counter(100, 10)
print(inc_a(), inc_a(), inc_a(), inc_b(), inc_b())
reset_a()
print("after reset:", inc_a())
print([c.cell_contents for c in inc_a.__closure__])
print(inc_a.__code__.co_freevars, make_counter.__code__.co_cellvars)


def make_accumulator():
    items = []

    def add(x):
        items.append(x)  # mutation, no nonlocal needed
        return list(items)

    return add


acc = make_accumulator()
acc(1)
acc("two")
print(acc(3.0))


def outer():
    x = "outer"

    def middle():
        x = "middle"

        def inner():
            nonlocal x
            x = "changed by inner"
            return x

        inner()
        return x

    return middle(), x


print(outer())


def make_multipliers():
    return [lambda v, i=i: v * i for i in range(1, 4)]


print([m(10) for m in make_multipliers()])


def fib_memo():
    cache = {0: 0, 1: 1}

    def fib(n):
        if n not in cache:
            cache[n] = fib(n - 1) + fib(n - 2)
        return cache[n]

    return fib, cache


fib, cache = fib_memo()
print(fib(60), len(cache))
