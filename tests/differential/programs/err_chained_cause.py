# Exercises: explicit chaining with raise ... from in an uncaught traceback ("The above exception was the direct cause...").
class ConfigError(Exception):
    pass


def parse_port(text):
    try:
        port = int(text)
    except ValueError as exc:
        raise ConfigError(f"invalid port {text!r}") from exc
    return port


def configure(values):
    for key, value in values.items():
        print("configuring", key)
        if key == "port":
            parse_port(value)


configure({"host": "localhost", "port": "80a"})
