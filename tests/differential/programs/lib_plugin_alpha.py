# Support module: loaded dynamically by name with importlib.
NAME = "alpha"


def run(x):
    return f"alpha({x})"
