# Exercises: nested lists as matrices: multiply, transpose, determinant (recursive), identity, pretty printing.
from fractions import Fraction


def mat_mul(a, b):
    if len(a[0]) != len(b):
        raise ValueError(f"shape mismatch: {len(a)}x{len(a[0])} @ {len(b)}x{len(b[0])}")
    return [[sum(x * y for x, y in zip(row, col)) for col in zip(*b)] for row in a]


def transpose(m):
    return [list(r) for r in zip(*m)]


def det(m):
    if len(m) == 1:
        return m[0][0]
    if len(m) == 2:
        return m[0][0] * m[1][1] - m[0][1] * m[1][0]
    return sum((-1) ** c * m[0][c] * det([row[:c] + row[c + 1:] for row in m[1:]]) for c in range(len(m)))


def identity(n):
    return [[int(i == j) for j in range(n)] for i in range(n)]


def inverse(m):
    n = len(m)
    aug = [[Fraction(x) for x in row] + [Fraction(v) for v in ident] for row, ident in zip(m, identity(n))]
    for col in range(n):
        pivot = next(r for r in range(col, n) if aug[r][col] != 0)
        aug[col], aug[pivot] = aug[pivot], aug[col]
        p = aug[col][col]
        aug[col] = [x / p for x in aug[col]]
        for r in range(n):
            if r != col:
                f = aug[r][col]
                aug[r] = [x - f * y for x, y in zip(aug[r], aug[col])]
    return [row[n:] for row in aug]


def show(m, name):
    print(f"{name} =")
    width = max(len(str(x)) for row in m for x in row)
    for row in m:
        print("  [" + " ".join(str(x).rjust(width) for x in row) + "]")


A = [[2, 0, 1], [1, 3, 2], [1, 1, 2]]
B = [[1, 2], [0, 1], [4, 0]]
show(A, "A")
show(mat_mul(A, B), "A @ B")
show(transpose(B), "B^T")
print("det(A) =", det(A), "det(I4) =", det(identity(4)))
inv = inverse(A)
show(inv, "inverse(A)")
print("A @ inv(A) == I:", mat_mul(A, inv) == identity(3))
try:
    inverse([[1, 2], [2, 4]])
except StopIteration:
    print("singular matrix: no pivot found")
try:
    mat_mul(B, B)
except ValueError as e:
    print("ValueError:", e)
print(Fraction(3, 4) + Fraction(1, 6), Fraction("0.125"), Fraction(10, 4), float(Fraction(1, 3)))
