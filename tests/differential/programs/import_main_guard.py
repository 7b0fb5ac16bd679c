# Exercises: if __name__ == "__main__" guards, a program importing itself, and __main__ in sys.modules.
import sys

print(f"module body runs with __name__={__name__!r}")
counter = 0


def main():
    global counter
    counter += 1
    print("main() called, counter =", counter)
    import import_main_guard as second_copy
    print("imported copy is a different module:", second_copy is not sys.modules["__main__"])
    print("copy name:", second_copy.__name__, "copy counter:", second_copy.counter)
    second_copy.counter += 10
    print("our counter:", counter, "copy counter:", second_copy.counter)
    print("__main__ module has main:", hasattr(sys.modules["__main__"], "main"))
    print(sys.modules["__main__"].__name__, __spec__ is None, type(__builtins__).__name__)


if __name__ == "__main__":
    main()
else:
    print("imported as a library, skipping main()")
