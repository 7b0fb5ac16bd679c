# Exercises: async def / await driven by hand with coroutine.send(None) and a custom awaitable.
class Suspend:
    """An awaitable that yields a message to whoever drives the coroutine."""

    def __init__(self, message):
        self.message = message

    def __await__(self):
        reply = yield self.message
        return f"reply to {self.message!r} was {reply!r}"


async def leaf(name):
    r1 = await Suspend(f"{name}:first")
    print("  leaf got", r1)
    r2 = await Suspend(f"{name}:second")
    print("  leaf got", r2)
    return name.upper()


async def middle():
    a = await leaf("x")
    b = await leaf("y")
    return a + b


coro = middle()
print(type(coro).__name__, coro.__name__, coro.__qualname__)
value = coro.send(None)
step = 0
while True:
    print("driver received:", value)
    step += 1
    try:
        value = coro.send(step)
    except StopIteration as stop:
        print("coroutine returned:", stop.value)
        break


async def simple():
    return 42


c = simple()
try:
    c.send(None)
except StopIteration as e:
    print("simple returned", e.value)


async def fails():
    await Suspend("about to fail")
    raise ValueError("inside coroutine")


f = fails()
print(f.send(None))
try:
    f.send(None)
except ValueError as e:
    print("ValueError:", e)

t = leaf("thrown")
print(t.send(None))
try:
    t.throw(KeyError("injected"))
except KeyError as e:
    print("KeyError:", e)

unawaited = simple()
unawaited.close()
print("closed without running")
try:
    next(iter(Suspend("x").__await__()))
    print("awaitable iterator ok")
except Exception as e:
    print("unexpected", e)
try:
    await_me = simple()
    iter(await_me)
except TypeError as e:
    print("TypeError:", e)
finally:
    await_me.close()
