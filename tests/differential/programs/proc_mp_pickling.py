# Spawn and forkserver pickle the target (docs/model/processes.md §5.3, §6 item 5): a lambda or a
# nested function fails in the parent at start(); a function defined inside the main guard
# pickles, and the child, which runs the module as __mp_main__, cannot find it: exit code 1.
import multiprocessing as mp

module_lambda = lambda: None  # noqa: E731


def main(method):
    ctx = mp.get_context(method)

    def local():
        pass

    for target in (lambda: None, local, module_lambda):
        try:
            ctx.Process(target=target).start()
        except Exception as exc:
            print(method, type(exc).__name__, str(exc).split(" at 0x")[0])


if __name__ == "__main__":
    for method in ("spawn", "forkserver"):
        main(method)

        def guarded():
            print("never printed")

        p = mp.get_context(method).Process(target=guarded)
        p.start()
        p.join()
        print(method, "guard-defined target: exit code", p.exitcode)
