# No main guard under spawn or forkserver (docs/model/processes.md §5.2, §6 item 4): the child
# runs the top level again as __mp_main__, reaches start() during its own bootstrap and dies
# with CPython's RuntimeError (exit code 1), while the parent goes on.
import multiprocessing as mp

print("top level as", __name__)


def work():
    print("work ran")


for method in ("spawn", "forkserver"):
    mp.set_start_method(method, force=True)
    p = mp.Process(target=work)
    p.start()
    p.join()
    print(method, "exit code", p.exitcode)
