# A fork child connects to its parent's TCP listener on loopback: one network for every
# process.  The child inherits the listening socket (and closes its copy) and the
# default timeout set before the fork; it reports what it saw over the connection (only
# the parent prints: the two run at once), and the parent accepts, reads, and reaps.
import os
import socket

socket.setdefaulttimeout(5.0)
server = socket.socket()
server.bind(("127.0.0.1", 0))
server.listen()
port = server.getsockname()[1]

pid = os.fork()
if pid == 0:
    server.close()
    with socket.create_connection(("127.0.0.1", port)) as conn:
        conn.sendall(f"default timeout {socket.getdefaulttimeout()}; ".encode())
        conn.sendall(f"peer is the listener: {conn.getpeername()[1] == port}".encode())
    os._exit(0)

conn, address = server.accept()
with conn:
    print("accepted from loopback:", address[0], "timeout", conn.gettimeout())
    data = b""
    while chunk := conn.recv(8):
        data += chunk
print("the child says:", data.decode())
print("child's exit status:", os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]))
server.close()
