# Exercises: an uncaught ExceptionGroup raised from a function, with two leaf exceptions.
def run_jobs(jobs):
    failures = []
    for name, job in jobs:
        try:
            print(name, "->", job())
        except Exception as exc:
            failures.append(exc)
    if failures:
        raise ExceptionGroup(f"{len(failures)} jobs failed", failures)


run_jobs([
    ("ok", lambda: 1 + 1),
    ("div", lambda: 1 / 0),
    ("index", lambda: [][3]),
    ("upper", lambda: "fine".upper()),
])
