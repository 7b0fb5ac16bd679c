# Exercises: an uncaught exception raised while importing a module (import machinery frames are hidden).
print("main: before import")
import lib_broken_at_import

print("not reached", lib_broken_at_import.TIMEOUT)
