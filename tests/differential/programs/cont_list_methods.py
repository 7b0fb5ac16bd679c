# Exercises: list methods (append/extend/insert/remove/pop/index/count/sort/reverse/copy/clear) and errors.
items = [5, 3, 8]
items.append(1)
items.extend([9, 3])
items.insert(0, 7)
items.insert(-1, 0)
items.insert(100, "end")
print(items)
print(items.pop(), items.pop(0), items.pop(-2), items)
items.remove(3)
print(items, items.index(3), items.count(3), items.count(42))
try:
    items.remove(42)
except ValueError as e:
    print("ValueError:", e)
try:
    items.index(42)
except ValueError as e:
    print("ValueError:", e)
try:
    [].pop()
except IndexError as e:
    print("IndexError:", e)
try:
    [1].pop(5)
except IndexError as e:
    print("IndexError:", e)
items.sort()
print(items)
items.sort(reverse=True)
print(items)
items.reverse()
print(items)
copy = items.copy()
copy.clear()
print(items, copy)
try:
    [3, "a", 1].sort()
except TypeError as e:
    print("TypeError:", e)
grid = [[0] * 3 for _ in range(2)]
grid[0][1] = 5
shared = [[0] * 3] * 2
shared[0][1] = 5
print(grid, shared)
print([1, 2] + [3], [0] * 4, [1, 2] * 0, 3 in [1, 2, 3], [1, [2]] == [1, [2]])
print(list("abc"), list(range(3)), list({"a": 1}), list((1, 2)), len([None] * 7))
nested = [1, [2, 3]]
alias = nested
clone = nested[:]
nested[1].append(4)
nested.append(5)
print(alias, clone)
stack = []
for ch in "([]{()})":
    if ch in "([{":
        stack.append(ch)
    else:
        opener = stack.pop()
        print(f"  matched {opener}{ch}")
print("balanced:", not stack)
nums = [4, 1, 3]
nums[len(nums):] = [2]
nums += (5,)
print(nums, sorted(nums), nums, min(nums), max(nums), sum(nums))
print([1, 2, 3] < [1, 2, 4], [2] > [1, 9], [] < [0], [[1]] * 2)
lst = [1, 2, 3]
lst[1] = lst
print(lst)
