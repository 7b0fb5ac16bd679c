# Exercises: sys.exit(None) and sys.exit() exit with status 0 and print nothing extra.
import sys

print("about to exit cleanly")
sys.stdout.write("partial line without newline")
sys.exit(None)
