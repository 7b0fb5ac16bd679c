"""Inherited = copied, not inherited = re-evaluated (docs/model/processes.md §1, §5.4).

    python3 examples/inherited_vs_reevaluated.py
    gilsim run examples/inherited_vs_reevaluated.py

A fork child is a copy of its parent at the instant of start(): it sees what the parent
changed before, nothing after.  A spawn child is a fresh interpreter that runs this file
again as __mp_main__ (so this module's top level runs again, and the main guard does not),
then receives the target and its arguments pickled.  A forkserver child is a fork of a
server, a fresh interpreter started at the first start(): it too runs this file again and
receives its target pickled, so it sees what a spawn child sees, without the wait for a
new interpreter after the first.
"""

import multiprocessing as mp

print("top level runs as", __name__)
config = {"mode": "as imported"}


def show(queue, argument):
    queue.put(f"{__name__}: config is {config['mode']!r}, argument is {argument!r}")


if __name__ == "__main__":
    config["mode"] = "changed before start()"
    for method in ("fork", "spawn", "forkserver"):
        ctx = mp.get_context(method)
        queue = ctx.Queue()
        how = "copied" if method == "fork" else "pickled"
        child = ctx.Process(target=show, args=(queue, [method, how]))
        child.start()
        config["mode"] = "changed after start()"
        print(f"{method} child says {queue.get()}")
        child.join()
        config["mode"] = "changed before start()"
