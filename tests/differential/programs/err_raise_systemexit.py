# Exercises: raise SystemExit(5) from nested code exits with status 5; atexit handlers still run.
import atexit


@atexit.register
def goodbye():
    print("atexit handler ran")


def deep(n):
    if n == 0:
        print("raising SystemExit(5)")
        raise SystemExit(5)
    deep(n - 1)


deep(3)
