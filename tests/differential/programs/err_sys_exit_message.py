# Exercises: sys.exit("message") prints the message to stderr and exits with status 1.
import sys

errors = ["missing input file", "bad flag"]
print("validating arguments")
if errors:
    sys.exit("fatal: " + "; ".join(errors))
print("not reached")
