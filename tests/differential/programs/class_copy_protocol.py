# Exercises: copy.copy vs copy.deepcopy, __copy__/__deepcopy__ hooks, shared references and __eq__ comparisons.
import copy


class Team:
    def __init__(self, name, members):
        self.name = name
        self.members = members

    def __repr__(self):
        return f"Team({self.name!r}, {self.members})"


t = Team("red", ["ann", "bob"])
shallow = copy.copy(t)
deep = copy.deepcopy(t)
t.members.append("cy")
t.name = "crimson"
print(t, shallow, deep, sep="\n")
print(shallow.members is t.members, deep.members is t.members)


class Tracked:
    def __init__(self, data):
        self.data = data
        self.log = []

    def __copy__(self):
        print("  __copy__ called")
        new = Tracked(self.data)
        new.log = ["copied"]
        return new

    def __deepcopy__(self, memo):
        print("  __deepcopy__ called, memo size", len(memo))
        new = Tracked(copy.deepcopy(self.data, memo))
        new.log = ["deep copied"]
        return new


tr = Tracked({"k": [1, 2]})
c1 = copy.copy(tr)
c2 = copy.deepcopy(tr)
print(c1.log, c2.log, c1.data is tr.data, c2.data == tr.data, c2.data is tr.data)
shared = [1, 2]
outer = [shared, shared, {"again": shared}]
dup = copy.deepcopy(outer)
print(dup, dup[0] is dup[1], dup[0] is dup[2]["again"], dup[0] is shared)
cyc = [1]
cyc.append(cyc)
cyc_copy = copy.deepcopy(cyc)
print(cyc_copy, cyc_copy[1] is cyc_copy, cyc_copy is not cyc)
nums = [[0] * 2] * 2
nums2 = copy.deepcopy(nums)
nums2[0][0] = 9
print(nums2, nums2[0] is nums2[1])
print(copy.copy(5), copy.copy("s"), copy.deepcopy((1, [2])), copy.copy({1: [2]}))
t2 = (1, 2)
print(copy.copy(t2) is t2, copy.deepcopy(t2) is t2)
lst = [1, [2, 3]]
sl = lst[:]
sl[1].append(4)
lc = list(lst)
print(lst, sl, lc, lst.copy() == lst, dict({"a": [1]}) == {"a": [1]})
