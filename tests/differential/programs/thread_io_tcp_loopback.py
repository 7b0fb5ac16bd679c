# Exercises: TCP over loopback between threads: bind to port 0, listen, accept, connect, echo, errors.
import socket
import threading

server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
server.bind(("127.0.0.1", 0))
server.listen(5)
host, port = server.getsockname()
print("listening on", host, "with a free port:", port > 0)
log = []


def serve(clients):
    for n in range(clients):
        conn, addr = server.accept()
        with conn:
            log.append(f"client {n} from {addr[0]}")
            while True:
                data = conn.recv(1024)
                if not data:
                    break
                conn.sendall(data)


t = threading.Thread(target=serve, args=(2,))
t.start()

with socket.create_connection((host, port), timeout=5) as client:
    print("peer:", client.getpeername() == (host, port), "timeout:", client.gettimeout())
    for message in [b"hello", b"world"]:
        client.sendall(message)
        print(client.recv(1024))  # one small message comes back whole on loopback
    client.shutdown(socket.SHUT_WR)
    print("server closed:", client.recv(1024))

with socket.socket() as client:
    client.connect(("localhost", port))
    client.sendall(b"x" * 100_000)
    client.shutdown(socket.SHUT_WR)
    received = 0
    while True:
        chunk = client.recv(65536)
        if not chunk:
            break
        received += len(chunk)
    print("echoed bytes:", received)

t.join()
print("\n".join(log))

other = socket.socket()
try:
    other.bind(("127.0.0.1", port))
except OSError as exc:
    print("bind:", exc.strerror)
other.close()
server.close()
try:
    socket.create_connection(("127.0.0.1", port))
except ConnectionRefusedError as exc:
    print("connect:", exc.strerror)
