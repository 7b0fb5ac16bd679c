# Exercises: an uncaught exception inside a thread is reported on stderr ("Exception in thread ...") and main continues.
import threading


def fragile(data):
    print("thread processing", data)
    return data["missing"]


t = threading.Thread(target=fragile, args=({"present": 1},), name="Loader")
t.start()
t.join()
print("main thread continues after the thread died")
caught = []


def hook(args):
    caught.append((args.exc_type.__name__, str(args.exc_value), args.thread.name))


threading.excepthook = hook
t2 = threading.Thread(target=lambda: 1 / 0, name="Divider")
t2.start()
t2.join()
print("custom excepthook captured:", caught)
threading.excepthook = threading.__excepthook__
print("exit status is still 0")
