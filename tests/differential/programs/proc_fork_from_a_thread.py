# os.fork() from a thread other than the main one: in the child that thread is the only
# one, keeps its name, and its end is the process's end; an exception ending a child
# prints its traceback and exits with status 1.  (The main thread's fork comes first:
# the other, with two threads alive, gets CPython 3.12's DeprecationWarning every time.)
import os
import sys
import threading

print("printed before any fork")
sys.stdout.flush()  # (else each child would have a copy of it, and print it again)

pid = os.fork()
if pid == 0:
    raise ValueError("raised in the child")
_, status = os.waitpid(pid, 0)
print("the raising child ended with", os.waitstatus_to_exitcode(status))
sys.stdout.flush()

statuses = []


def forker():
    pid = os.fork()
    if pid == 0:
        me = threading.current_thread()
        print("child of a thread:", me.name, threading.active_count(), me is threading.main_thread())
        sys.stdout.flush()
        return  # the thread ends, and with it the child
    statuses.append(os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]))


thread = threading.Thread(target=forker, name="Forker")
thread.start()
thread.join()
print("the thread's child ended with", statuses)
