# open() of the descriptors of os.pipe(), as subprocess.Popen opens its pipes
import os

r, w = os.pipe()
with open(w, "w") as out:
    print(type(out).__name__, out.mode, out.closed)
    out.write("through open\n")
print(os.read(r, 100))

r2, w2 = os.pipe()
with open(w2, "wb", -1) as out:
    out.write(b"binary, buffered\n")
with open(r2, "rb", -1) as back:
    print(back.read())

with open(__file__, encoding="utf-8") as source:
    print(source.readline().strip())
os.close(r)
