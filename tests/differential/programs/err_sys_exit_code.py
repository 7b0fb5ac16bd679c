# Exercises: sys.exit(3) ends the program with exit status 3 and no traceback; finally blocks still run.
import sys


def main():
    print("doing work")
    try:
        sys.exit(3)
    finally:
        print("finally runs during sys.exit")


try:
    main()
except SystemExit as e:
    print("caught SystemExit with code", e.code, "- re-raising")
    raise
print("not reached")
