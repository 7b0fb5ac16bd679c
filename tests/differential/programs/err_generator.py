# Exercises: an uncaught exception raised inside a generator while it is consumed by a for loop.
def batches(items, size):
    batch = []
    for item in items:
        batch.append(100 // item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def consume():
    for b in batches([5, 4, 10, 20, 0, 1], 2):
        print("batch", b)


consume()
