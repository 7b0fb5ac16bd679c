# Exercises: generator.send(), throw(), close(), GeneratorExit, and a running-average coroutine.
def averager():
    total = 0.0
    count = 0
    average = None
    while True:
        value = yield average
        if value is None:
            break
        total += value
        count += 1
        average = total / count
    return (count, average)


avg = averager()
print("primed:", next(avg))
for v in [10, 20, 30, 5]:
    print("send", v, "->", avg.send(v))
try:
    avg.send(None)
except StopIteration as e:
    print("finished with", e.value)


def echo():
    received = []
    try:
        while True:
            try:
                x = yield len(received)
                received.append(x)
            except ValueError as e:
                print("  generator caught ValueError:", e)
                received.append("error")
    except GeneratorExit:
        print("  GeneratorExit, received =", received)
        raise
    finally:
        print("  cleanup in finally")


e = echo()
next(e)
print(e.send("a"), e.send("b"))
print("throw returns:", e.throw(ValueError("bad input")))
print(e.send("c"))
e.close()
print("closed; send after close:")
try:
    e.send("d")
except StopIteration:
    print("StopIteration")

g = echo()
try:
    g.send("not primed")
except TypeError as err:
    print("TypeError:", err)
g.close()
print("closing an unstarted generator prints nothing")


def stubborn():
    try:
        yield 1
    except GeneratorExit:
        yield "refusing to die"


s = stubborn()
next(s)
try:
    s.close()
except RuntimeError as err:
    print("RuntimeError:", err)
s.close()  # the second GeneratorExit escapes from the bare yield, so this close succeeds
print("second close ok")


def thrower():
    yield 1
    yield 2


t = thrower()
next(t)
try:
    t.throw(KeyError("propagates"))
except KeyError as err:
    print("KeyError from throw:", err)
print(next(t, "exhausted after throw"))
