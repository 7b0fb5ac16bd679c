# Exercises: Conway's Game of Life on a small torus grid, printing several generations.
def step(grid):
    rows, cols = len(grid), len(grid[0])
    new = [[0] * cols for _ in range(rows)]
    for r in range(rows):
        for c in range(cols):
            n = sum(
                grid[(r + dr) % rows][(c + dc) % cols]
                for dr in (-1, 0, 1)
                for dc in (-1, 0, 1)
                if (dr, dc) != (0, 0)
            )
            new[r][c] = 1 if n == 3 or (n == 2 and grid[r][c]) else 0
    return new


def show(grid, gen):
    print(f"generation {gen}: population {sum(map(sum, grid))}")
    for row in grid:
        print("  " + "".join("#" if cell else "." for cell in row))


def from_text(text):
    return [[1 if ch == "#" else 0 for ch in line] for line in text.strip().splitlines()]


glider = from_text("""
.#......
..#.....
###.....
........
........
........
""")
grid = glider
for gen in range(5):
    show(grid, gen)
    grid = step(grid)
blinker = from_text("""
.....
..#..
..#..
..#..
.....
""")
states = [blinker]
for _ in range(4):
    states.append(step(states[-1]))
print("blinker period 2:", states[0] == states[2] == states[4], states[0] != states[1])
seen = {}
g = glider
for i in range(120):
    key = tuple(map(tuple, g))
    if key in seen:
        print("glider repeats after", i - seen[key], "generations, first seen at", seen[key])
        break
    seen[key] = i
    g = step(g)
