# Exercises: an uncaught AssertionError with a message from a failing assert.
def normalize(weights):
    total = sum(weights)
    result = [w / total for w in weights]
    assert abs(sum(result) - 1.0) < 1e-9, f"weights sum to {sum(result)}"
    assert all(w >= 0 for w in result), "negative weight in " + repr(result)
    return result


print(normalize([1, 1, 2]))
print(normalize([3, -1, 2]))
