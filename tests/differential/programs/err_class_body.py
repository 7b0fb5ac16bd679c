# Exercises: an uncaught exception raised while executing a class body (frame named after the class).
DEFAULTS = {"width": 80}


class Settings:
    width = DEFAULTS["width"]
    print("width set to", width)
    height = DEFAULTS["height"]
    print("not reached")
