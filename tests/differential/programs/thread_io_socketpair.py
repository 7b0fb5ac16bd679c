# Exercises: socket.socketpair between threads: echo, shutdown, makefile lines, timeouts, EOF.
import socket
import threading

a, b = socket.socketpair()
print(a.family.name, a.type.name, a.gettimeout(), a.getblocking())


def upper_echo(sock):
    with sock:
        while True:
            data = sock.recv(64)
            if not data:
                break
            sock.sendall(data.upper())


t = threading.Thread(target=upper_echo, args=(b,))
t.start()
for word in [b"spam", b"eggs", b"ham" * 50]:
    a.sendall(word)
    answer = b""
    while len(answer) < len(word):
        answer += a.recv(1024)
    print(answer[:20], len(answer))
a.shutdown(socket.SHUT_WR)
print("after shutdown:", a.recv(10))
t.join()
a.close()
print("closed:", a.fileno())

# Line-oriented protocol through makefile().
a, b = socket.socketpair()


def count_words(sock):
    with sock, sock.makefile("r") as reader, sock.makefile("w") as writer:
        for line in reader:
            writer.write(f"{len(line.split())} words\n")
            writer.flush()


t = threading.Thread(target=count_words, args=(b,))
t.start()
with a.makefile("w") as out, a.makefile("r") as answers:
    for sentence in ["the quick brown fox", "jumps", "over the lazy dog"]:
        out.write(sentence + "\n")
        out.flush()
        print(repr(sentence), "->", answers.readline().strip())
    a.shutdown(socket.SHUT_WR)
    print("rest:", answers.read())
t.join()
a.close()

# A receive with a timeout, and on a non-blocking socket.
a, b = socket.socketpair()
a.settimeout(0.01)
try:
    a.recv(1)
except socket.timeout as exc:
    print("timeout:", exc)
a.setblocking(False)
try:
    a.recv(1)
except BlockingIOError as exc:
    print("non-blocking:", exc.errno)
b.send(b"!")
b.close()
a.setblocking(True)
print(a.recv(5), a.recv(5))
try:
    a.send(b"x")
except BrokenPipeError as exc:
    print("peer closed:", exc.strerror)
a.close()
