# Exercises: an uncaught RecursionError; the traceback collapses repeats ("[Previous line repeated N more times]").
def count_down(n):
    if n == -1:
        return 0
    return 1 + count_down(n - 1)


print(count_down(10))
print(count_down(-5))
