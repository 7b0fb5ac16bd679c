# Exercises: the common `sys.exit(main())` idiom where main() returns an int status (2) after printing to stderr.
import sys


def main():
    errors = 0
    for name in ["alpha", "", "gamma", ""]:
        if not name:
            errors += 1
            print(f"error: empty name #{errors}", file=sys.stderr)
        else:
            print("processed", name)
    return 2 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
