# _thread.stack_size(): the size new threads get, kept and returned as it was
import _thread
import threading

print(_thread.stack_size())
for size in (262144, 0x100000, 0):
    print(_thread.stack_size(size), _thread.stack_size())
try:
    _thread.stack_size(4096)
except ValueError as e:
    print("ValueError:", e)
print(threading.stack_size(), threading.stack_size(524288), threading.stack_size())
threading.stack_size(0)
