"""Lazy initialisation without a lock: the "singleton" made twice.

    python3 examples/lazy_init.py
    gilsim run examples/lazy_init.py
    gilsim explore examples/lazy_init.py
    gilsim races examples/lazy_init.py

`get_settings` makes the settings on first use.  Between `if _settings is None` and the
assignment it calls `load_settings`, a Python function whose RESUME is a check point: a
second thread can get the GIL there, find `_settings` still None, and load them again.  Each
thread then holds a different settings object.  A single run loads them once; `gilsim
explore` finds the schedule that loads them twice.
"""

import threading

_settings = None
loads = 0


def load_settings():
    global loads
    loads += 1
    return {"colour": "blue"}


def get_settings():
    global _settings
    if _settings is None:
        _settings = load_settings()
    return _settings


seen = []
threads = [threading.Thread(target=lambda: seen.append(get_settings())) for _ in range(2)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
print(f"settings loaded {loads} time(s); both threads share them: {seen[0] is seen[1]}")
