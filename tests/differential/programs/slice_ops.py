# Exercises: slicing get/set/del with steps and negatives on lists, strings, tuples and slice objects.
nums = list(range(10))
print(nums[2:5], nums[:3], nums[7:], nums[-3:], nums[:-7], nums[::2], nums[1::3])
print(nums[::-1], nums[8:2:-2], nums[-1:-4:-1], nums[5:2], nums[100:], nums[-100:2])
s = "Hello, World"
print(s[7:], s[:-7], s[::-1], s[::3], s[-5::-2])
t = (1, 2, 3, 4, 5)
print(t[1:4], t[::-2], type(t[1:2]).__name__)
a = list(range(10))
a[2:5] = ["x", "y"]
print(a)
a[:0] = [-1, -2]
print(a)
a[len(a):] = [100]
print(a)
a[::3] = ["S"] * len(a[::3])
print(a)
try:
    a[::2] = [1, 2]
except ValueError as e:
    print("ValueError:", e)
b = list(range(10))
del b[::3]
print(b)
del b[1:3]
print(b)
del b[-2:]
print(b)
c = list(range(6))
c[1:5] = []
print(c)
sl = slice(1, 8, 2)
print(sl, sl.start, sl.stop, sl.step, nums[sl], sl.indices(5), slice(None, None, -1).indices(4))


class Seq:
    def __getitem__(self, key):
        return key

    def __setitem__(self, key, value):
        print("  set", key, "=", value)

    def __delitem__(self, key):
        print("  del", key)


sq = Seq()
print(sq[1:2], sq[::], sq[1:2, 3], sq[...], sq[:, ::2])
sq[1:5:2] = "v"
del sq[::-1]
ba = bytearray(b"abcdef")
ba[1:3] = b"XYZ"
print(ba, bytes(ba[::2]), memoryview(b"hello")[1:4].tobytes())
copy = nums[:]
copy.append("new")
print(len(nums), len(copy), copy is nums)
try:
    "abc"[::0]
except ValueError as e:
    print("ValueError:", e)
try:
    t[1:3] = (9,)
except TypeError as e:
    print("TypeError:", e)
print(range(20)[5:15:3], list(range(20)[::-5]))
