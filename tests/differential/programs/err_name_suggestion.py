# Exercises: an uncaught NameError with CPython's "Did you mean" suggestion.
def compute_total(prices):
    subtotal = sum(prices)
    tax = subtotal * 0.2
    return subtotl + tax


print("prices ready")
print(compute_total([1.0, 2.5]))
