# Support module: loaded dynamically by name with importlib.
NAME = "beta"


def run(x):
    return f"beta({x * 2})"
