# Exercises: an uncaught UnboundLocalError caused by assigning to a name that is also read in the function.
total = 0


def add_to_total(values):
    for v in values:
        total += v
    return total


print("total before:", total)
print(add_to_total([1, 2, 3]))
