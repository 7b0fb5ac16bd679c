# Exercises: warnings.warn output on stderr (default filters: shown once per location), categories, filters, catch_warnings.
import warnings


def old_api(x):
    warnings.warn("old_api is deprecated, use new_api", DeprecationWarning, stacklevel=2)
    return x * 2


def risky(value):
    if value > 10:
        warnings.warn(f"value {value} is large")
    return value


print("calling risky")
for v in [5, 20, 30]:
    print("risky ->", risky(v))
warnings.warn("explicit runtime warning", RuntimeWarning)
print("old_api ->", old_api(1))
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    old_api(2)
    risky(50)
    warnings.warn("third", UserWarning)
print("recorded:", [(w.category.__name__, str(w.message)) for w in caught])
with warnings.catch_warnings():
    warnings.simplefilter("error")
    try:
        risky(99)
    except UserWarning as e:
        print("warning raised as error:", e)
warnings.filterwarnings("ignore", message="value")
risky(1000)
print("filtered warning suppressed")
warnings.warn("after filters, other warnings still show", FutureWarning)
print("done")
