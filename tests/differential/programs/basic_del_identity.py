# Exercises: del of names/items/attributes/slices, is vs ==, aliasing of mutable objects and NameError after del.
a = [1, 2, 3]
b = a
c = list(a)
print(a == b, a is b, a == c, a is c)
b.append(4)
print(a, c)
del b
print("a survives del b:", a)
try:
    print(b)
except NameError as e:
    print("NameError:", e)
d = {"x": 1, "y": 2, "z": 3}
del d["y"]
print(d)
try:
    del d["missing"]
except KeyError as e:
    print("KeyError:", e)
nums = list(range(10))
del nums[0], nums[-1]
del nums[2:4]
print(nums)


class Box:
    pass


box = Box()
box.value = 1
box.other = 2
del box.value
print(sorted(vars(box)))
try:
    del box.value
except AttributeError as e:
    print("AttributeError:", e)
x = None
print(x is None, x == None, type(x) is type(None))
t1 = (1, 2)
t2 = (1, 2)
print(t1 == t2, [] == [], [] is not [], "abc" == "ab" + "c")
first, second = [[]] * 2
first.append("shared!")
print(second)
p, q = [], []
p.append("separate")
print(q)


def modify(lst, n):
    lst.append(n)
    n += 1
    lst = ["rebound"]
    return lst, n


orig = [0]
num = 10
print(modify(orig, num), orig, num)
del a, c
print("a" in dir(), "c" in dir())
for i in range(3):
    pass
del i
try:
    i
except NameError as e:
    print("NameError:", e)
