# Exercises: hand-written sorting algorithms (bubble, insertion, merge, quick, counting) on the same data.
def bubble_sort(items):
    a = list(items)
    swaps = 0
    for i in range(len(a)):
        swapped = False
        for j in range(len(a) - 1 - i):
            if a[j] > a[j + 1]:
                a[j], a[j + 1] = a[j + 1], a[j]
                swaps += 1
                swapped = True
        if not swapped:
            break
    return a, swaps


def insertion_sort(items):
    a = list(items)
    for i in range(1, len(a)):
        key = a[i]
        j = i - 1
        while j >= 0 and a[j] > key:
            a[j + 1] = a[j]
            j -= 1
        a[j + 1] = key
    return a


def merge_sort(a):
    if len(a) <= 1:
        return a
    mid = len(a) // 2
    left, right = merge_sort(a[:mid]), merge_sort(a[mid:])
    out, i, j = [], 0, 0
    while i < len(left) and j < len(right):
        if left[i] <= right[j]:
            out.append(left[i]); i += 1
        else:
            out.append(right[j]); j += 1
    return out + left[i:] + right[j:]


def quick_sort(a):
    if len(a) <= 1:
        return a
    pivot, *rest = a
    return quick_sort([x for x in rest if x < pivot]) + [pivot] + quick_sort([x for x in rest if x >= pivot])


def counting_sort(a):
    counts = [0] * (max(a) + 1)
    for x in a:
        counts[x] += 1
    return [i for i, c in enumerate(counts) for _ in range(c)]


data = [(i * 7919) % 101 for i in range(40)]
print("input:", data)
b, swaps = bubble_sort(data)
print("bubble:", b[:10], "... swaps =", swaps)
results = [b, insertion_sort(data), merge_sort(data), quick_sort(data), counting_sort(data), sorted(data)]
print("all agree:", all(r == results[0] for r in results))
print("median:", results[0][len(data) // 2], "min/max:", results[0][0], results[0][-1])
words = "the quick brown fox jumps over the lazy dog".split()
print(merge_sort(words), quick_sort(words) == sorted(words), insertion_sort("python"))
