# Exercises: an uncaught ZeroDivisionError inside a larger expression (caret placement under the operator).
def ratio(stats):
    return stats["hits"] * 100 / (stats["total"] - stats["misses"])


rows = [{"hits": 5, "total": 10, "misses": 0}, {"hits": 0, "total": 4, "misses": 4}]
for row in rows:
    print(ratio(row))
