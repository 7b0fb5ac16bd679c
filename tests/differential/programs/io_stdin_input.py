# Exercises: input() with prompts (prompt goes to stdout), parsing typed input, EOFError at end of stdin.
name = input("What is your name? ")
print(f"Hello, {name}!")
age = int(input("Age: "))
print(f"Next year you will be {age + 1}.")
numbers = [float(x) for x in input("Numbers: ").split()]
print("sum", sum(numbers), "max", max(numbers), "avg", sum(numbers) / len(numbers))
while True:
    try:
        line = input("> ")
    except EOFError:
        print("\n<EOF reached>")
        break
    if line == "quit":
        print("quit requested")
        continue
    print(f"echo: {line!r} ({len(line)} chars)")
try:
    input()
except EOFError as e:
    print("EOFError again:", repr(e))
