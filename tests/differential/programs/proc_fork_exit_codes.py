# How a fork child ends, as its parent's waitpid() sees it: 0, the sys.exit() code, 1 after
# a traceback, and -15 when SIGTERM ends it.  A raw fork child that ends through the end of
# the program (not os._exit) runs the exit handlers it inherited.
import atexit
import os
import signal
import sys
import time


def goodbye():
    print("atexit handler ran in", "child" if os.getpid() != parent else "parent")
    sys.stdout.flush()


parent = os.getpid()
atexit.register(goodbye)


def fail():
    raise ValueError("the child failed")


def start(how):
    sys.stdout.flush()
    pid = os.fork()
    if pid:
        return pid
    if how == "_exit":
        os._exit(0)
    if how == "exit 3":
        sys.exit(3)
    if how == "raise":
        fail()
    if how == "sleep":
        time.sleep(10)
    os._exit(5)


for how in ("_exit", "exit 3", "raise", "sleep"):
    pid = start(how)
    if how == "sleep":
        time.sleep(0.05)
        os.kill(pid, signal.SIGTERM)
    waited, status = os.waitpid(pid, 0)
    print(how, "->", os.waitstatus_to_exitcode(status), waited == pid)
    sys.stdout.flush()
try:
    os.waitpid(pid, 0)
except ChildProcessError as exc:
    print("reaped twice:", exc)
print("WNOHANG with no child:", end=" ")
try:
    os.waitpid(-1, os.WNOHANG)
except ChildProcessError as exc:
    print(type(exc).__name__, exc.errno)
