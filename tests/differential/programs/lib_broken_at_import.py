# Support module: raises while being imported (used by err_import_time.py).
print("lib_broken_at_import: starting to load")
SETTINGS = {"mode": "fast"}


def lookup(key):
    return SETTINGS[key]


TIMEOUT = lookup("timeout")
