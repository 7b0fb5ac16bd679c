# Exercises: assert statements with and without messages, caught AssertionError and its args.
def check_positive(n):
    assert n > 0, f"expected positive number, got {n}"
    return n


def check_sorted(items):
    assert items == sorted(items)
    return "sorted"


print(check_positive(5))
try:
    check_positive(-2)
except AssertionError as e:
    print("AssertionError:", e, e.args)
print(check_sorted([1, 2, 3]))
try:
    check_sorted([3, 1])
except AssertionError as e:
    print("AssertionError with no message:", repr(e), e.args, str(e) == "")
try:
    assert [], ["a", "list", "message"]
except AssertionError as e:
    print("non-string message:", e.args[0])
try:
    assert 1 == 2, (1, 2)
except AssertionError as e:
    print("tuple message:", e, e.args)


def tricky(x):
    assert isinstance(x, int), "ints only"
    return x * 2


results = []
for value in [1, "2", 3.0, 4]:
    try:
        results.append(tricky(value))
    except AssertionError as e:
        results.append(f"rejected {value!r}: {e}")
print(results)
print("__debug__ is", __debug__)
count = 0


def side_effect():
    global count
    count += 1
    return True


assert side_effect(), "should be true"
print("assert expression evaluated", count, "time(s)")
try:
    assert (0, "parenthesized tuple is always truthy")[0], "first element false"
except AssertionError as e:
    print("AssertionError:", e)
