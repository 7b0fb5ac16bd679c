# Exercises: an exception raised inside __init__ two classes deep: the traceback through the caller and both __init__ frames.

class Config:
    def __init__(self, path):
        self.path = path
        self.data = self.load()

    def load(self):
        raise FileNotFoundError(f"no such config: {self.path}")


class App:
    def __init__(self):
        self.config = Config("app.toml")


def main():
    return App()


main()
