# Exercises: an uncaught exception carrying notes (add_note) and an exception with an empty message.
def parse_age(text):
    try:
        return int(text)
    except ValueError as e:
        e.add_note(f"while parsing age field {text!r}")
        e.add_note("hint: ages must be whole numbers")
        raise


print(parse_age("41"))
try:
    raise ValueError()
except ValueError as e:
    print("empty message str:", repr(str(e)))
print(parse_age("forty"))
