# Exercises: __init__ returning a value: type_call's TypeError in the caller, after __init__ ran.

class Counter:
    def __init__(self, start):
        self.start = start
        print("initialised", start)
        return start


def make():
    return Counter(3)


make()
