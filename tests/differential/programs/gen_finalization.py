# Exercises: generator cleanup (finally / GeneratorExit) when a generator is abandoned, deleted or closed.
def counter_gen(tag):
    try:
        yield 1
        yield 2
    except GeneratorExit:
        print(f"  {tag}: GeneratorExit")
        raise
    finally:
        print(f"  {tag}: finally")


for v in counter_gen("loop"):
    print("got", v)
    break
print("after break out of the for loop")

g = counter_gen("deleted")
next(g)
del g
print("after del")

g = counter_gen("rebound")
next(g)
g = None
print("after rebinding the name")

h = counter_gen("closed")
print(next(h))
h.close()
print("after close; closing twice is harmless")
h.close()


def first_match(items, pred):
    for item in (x for x in items if pred(x)):
        return item


print(first_match(range(10), lambda x: x > 6))


def resource(name):
    print(f"  open {name}")
    try:
        while True:
            yield name
    finally:
        print(f"  release {name}")


def use_two():
    a = resource("A")
    b = resource("B")
    print(next(a), next(b))
    return "leaving use_two"


print(use_two())
gens = [counter_gen(f"list{i}") for i in range(2)]
for gen in gens:
    next(gen)
gens.clear()
print("list cleared; the loop variable still refers to the last one")
del gen
print("loop variable deleted")
unstarted = counter_gen("never started")
del unstarted
print("unstarted generator deleted silently")
kept = counter_gen("kept")
next(kept)
kept.close()
print("end of module")
