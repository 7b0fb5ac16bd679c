# A forked child forks again: the grandchild is its child (getppid, waitpid, its exit
# status), inherits the descriptors its parent had (a pipe to the first process, a TCP
# listener's address), and the child learns of its end by SIGCHLD on a wake-up descriptor,
# as multiprocessing's fork server does.
import os
import select
import signal
import socket
import sys

listener = socket.create_server(("127.0.0.1", 0))
port = listener.getsockname()[1]
r, w = os.pipe()
sys.stdout.flush()  # (else each child would have a copy of what is buffered)

pid = os.fork()
if pid == 0:
    os.close(r)
    listener.close()
    wake_r, wake_w = os.pipe()
    os.set_blocking(wake_w, False)
    signal.set_wakeup_fd(wake_w)
    signal.signal(signal.SIGCHLD, lambda signum, frame: None)
    me = os.getpid()
    grandchild = os.fork()
    if grandchild == 0:
        print("grandchild: my parent is the child:", os.getppid() == me)
        sys.stdout.flush()
        with socket.create_connection(("127.0.0.1", port)) as conn:
            conn.sendall(b"hello from the grandchild")
        os.write(w, b"grandchild wrote to the first process's pipe\n")
        os._exit(5)
    select.select([wake_r], [], [])
    print("child: woken by", signal.Signals(os.read(wake_r, 1)[0]).name)
    done, status = os.waitpid(grandchild, 0)
    print("child: reaped its own child:", done == grandchild, os.waitstatus_to_exitcode(status))
    sys.stdout.flush()
    os._exit(3)

os.close(w)
conn, _ = listener.accept()
with conn:
    received = conn.recv(100)
_, status = os.waitpid(pid, 0)
print("parent: accepted", received)
print("parent: the child ended with", os.waitstatus_to_exitcode(status))
print("parent: the pipe says", os.read(r, 100))
try:
    os.waitpid(-1, 0)
except ChildProcessError:
    print("parent: the grandchild is not its child")
