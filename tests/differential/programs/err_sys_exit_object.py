# Exercises: sys.exit with a non-int, non-str object prints its str() to stderr and exits with status 1.
import sys


def main(argv):
    print("arguments:", argv[1:])
    problems = {"missing": ["--input"], "count": 1}
    return problems


if __name__ == "__main__":
    sys.exit(main(sys.argv))
