# Exercises: logging from threads: threadName in records, a QueueHandler feeding a QueueListener thread, and thread names chosen by the program and by threading.
import logging
import logging.handlers
import queue
import threading

records = queue.Queue()
collected = []


class Collect(logging.Handler):
    def emit(self, record):
        collected.append((record.threadName, record.getMessage()))


listener = logging.handlers.QueueListener(records, Collect())
logger = logging.getLogger("work")
logger.addHandler(logging.handlers.QueueHandler(records))
logger.setLevel(logging.INFO)
listener.start()


def work(n):
    logger.info("item %d", n)


threads = [threading.Thread(target=work, args=(n,), name=f"worker-{n}") for n in range(3)]
threads.append(threading.Thread(target=work, args=(9,)))
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
logger.info("from main")
listener.stop()
for name, message in sorted(collected):
    print(f"{name.split(' ')[0]}: {message}")
print("listener stopped:", listener._thread is None)
