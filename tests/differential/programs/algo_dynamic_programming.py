# Exercises: dynamic programming: LCS, edit distance, knapsack, coin change and longest increasing subsequence.
def lcs(a, b):
    dp = [[""] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i in range(len(a) - 1, -1, -1):
        for j in range(len(b) - 1, -1, -1):
            if a[i] == b[j]:
                dp[i][j] = a[i] + dp[i + 1][j + 1]
            else:
                dp[i][j] = max(dp[i + 1][j], dp[i][j + 1], key=len)
    return dp[0][0]


def edit_distance(s, t):
    prev = list(range(len(t) + 1))
    for i, cs in enumerate(s, 1):
        cur = [i]
        for j, ct in enumerate(t, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (cs != ct)))
        prev = cur
    return prev[-1]


def knapsack(items, capacity):
    best = [(0, ())] * (capacity + 1)
    for name, weight, value in items:
        for c in range(capacity, weight - 1, -1):
            cand = best[c - weight][0] + value
            if cand > best[c][0]:
                best[c] = (cand, best[c - weight][1] + (name,))
    return best[capacity]


def coin_change(coins, amount):
    ways = [1] + [0] * amount
    fewest = [0] + [float("inf")] * amount
    for coin in coins:
        for x in range(coin, amount + 1):
            ways[x] += ways[x - coin]
            fewest[x] = min(fewest[x], fewest[x - coin] + 1)
    return ways[amount], fewest[amount]


def lis(seq):
    tails, prev, idx = [], [None] * len(seq), []
    import bisect
    for i, x in enumerate(seq):
        pos = bisect.bisect_left([seq[k] for k in idx], x)
        if pos == len(idx):
            idx.append(i)
        else:
            idx[pos] = i
        prev[i] = idx[pos - 1] if pos else None
    out, k = [], idx[-1] if idx else None
    while k is not None:
        out.append(seq[k])
        k = prev[k]
    return out[::-1]


print(lcs("AGGTAB", "GXTXAYB"), lcs("programming", "gaming"))
print([edit_distance(a, b) for a, b in [("kitten", "sitting"), ("flaw", "lawn"), ("", "abc"), ("same", "same")]])
items = [("map", 9, 150), ("compass", 13, 35), ("water", 153, 200), ("sandwich", 50, 160), ("glucose", 15, 60), ("tin", 68, 45)]
print(knapsack(items, 200))
print(coin_change([1, 2, 5], 11), coin_change([2], 3), coin_change([1, 5, 10, 25], 100))
print(lis([10, 9, 2, 5, 3, 7, 101, 18]), lis([0, 8, 4, 12, 2, 10, 6, 14, 1, 9]))
grid = [[1, 3, 1], [1, 5, 1], [4, 2, 1]]
rows, cols = len(grid), len(grid[0])
cost = [[0] * cols for _ in range(rows)]
for r in range(rows):
    for c in range(cols):
        up = cost[r - 1][c] if r else float("inf")
        left = cost[r][c - 1] if c else float("inf")
        cost[r][c] = grid[r][c] + (0 if r == c == 0 else min(up, left))
print("min path sum:", cost[-1][-1], cost)
