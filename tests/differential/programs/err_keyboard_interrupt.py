# Exercises: an uncaught KeyboardInterrupt prints a traceback and CPython exits via SIGINT (returncode -2).
def wait_for_user():
    print("pretending the user pressed Ctrl+C")
    raise KeyboardInterrupt


try:
    wait_for_user()
finally:
    print("cleanup in finally")
