# Exercises: the protocol number of TCP sockets: create_connection's (from getaddrinfo), accept's, getaddrinfo's entries.
import socket

server = socket.socket()
server.bind(("127.0.0.1", 0))
server.listen()
port = server.getsockname()[1]
print("server:", server.family.name, server.type.name, server.proto)

client = socket.create_connection(("127.0.0.1", port))
conn, _ = server.accept()
# create_connection makes its socket with the proto getaddrinfo gives: IPPROTO_TCP.
print("client:", client.family.name, client.type.name, client.proto)
print("client proto is IPPROTO_TCP:", client.proto == socket.IPPROTO_TCP)
print("in repr:", "proto=6" in repr(client))
# accept() gives the listener's proto, 0 here.
print("accepted:", conn.family.name, conn.type.name, conn.proto)
conn.close()
client.close()

with socket.create_connection(("localhost", port), timeout=5) as other:
    conn, _ = server.accept()
    print("by name:", other.proto, other.gettimeout())
    conn.close()
server.close()


def show(*args, **kwargs):
    try:
        entries = socket.getaddrinfo(*args, **kwargs)
    except socket.gaierror as exc:
        print("  gaierror:", exc)
        return
    for family, kind, proto, canonname, address in entries:
        print(" ", family.name, kind.name, proto, repr(canonname), address)


print("getaddrinfo, any type:")
show("127.0.0.1", 8080)
print("SOCK_STREAM:")
show("127.0.0.1", 8080, socket.AF_INET, socket.SOCK_STREAM)
print("SOCK_DGRAM:")
show("127.0.0.1", "8080", type=socket.SOCK_DGRAM)
print("proto=IPPROTO_TCP:")
show("127.0.0.1", 80, proto=socket.IPPROTO_TCP)
print("proto=IPPROTO_UDP:")
show("127.0.0.1", 80, 0, 0, socket.IPPROTO_UDP)
print("SOCK_STREAM with IPPROTO_UDP:")
show("127.0.0.1", 80, type=socket.SOCK_STREAM, proto=socket.IPPROTO_UDP)
print("passive, no host:")
show(None, 80, socket.AF_INET, socket.SOCK_STREAM, 0, socket.AI_PASSIVE)
print("no host:")
show(None, 80, socket.AF_INET, socket.SOCK_STREAM)
print("no port:")
show("127.0.0.1", None, type=socket.SOCK_STREAM)
