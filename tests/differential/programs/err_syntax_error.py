# Exercises: a SyntaxError in the main script is reported before anything runs (no output on stdout).
print("this line never runs because the file does not compile")


def broken(x):
    return [x for x in range(3)


print(broken(1))
