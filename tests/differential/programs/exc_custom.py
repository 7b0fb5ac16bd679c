# Exercises: custom exception hierarchies, extra attributes, __str__ overrides and catching by base class.
class AppError(Exception):
    """Base for the app."""


class ValidationError(AppError):
    def __init__(self, field, message):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class NotFound(AppError):
    def __init__(self, key):
        self.key = key

    def __str__(self):
        return f"no item with key {self.key!r}"


class RetryableError(AppError):
    def __init__(self, attempts):
        super().__init__(attempts)
        self.attempts = attempts

    def __repr__(self):
        return f"RetryableError(attempts={self.attempts})"


def validate(user):
    if not user.get("name"):
        raise ValidationError("name", "must not be empty")
    if user.get("age", 0) < 0:
        raise ValidationError("age", f"must be >= 0, got {user['age']}")
    return True


for user in [{"name": "ann", "age": 3}, {"name": ""}, {"name": "bob", "age": -5}]:
    try:
        print("valid:", validate(user))
    except ValidationError as e:
        print("invalid:", e, "| field =", e.field, "| args =", e.args)

store = {"a": 1}
for key in ["a", "b"]:
    try:
        if key not in store:
            raise NotFound(key)
        print("found", store[key])
    except AppError as e:
        print(type(e).__name__, str(e), e.args, repr(e))

attempt = 0
while True:
    attempt += 1
    try:
        if attempt < 3:
            raise RetryableError(attempt)
        print("succeeded on attempt", attempt)
        break
    except RetryableError as e:
        print("retrying after", repr(e), str(e))


class CodeError(Exception):
    codes = {}

    def __init_subclass__(cls, code=0, **kw):
        super().__init_subclass__(**kw)
        CodeError.codes[code] = cls


class Http404(CodeError, code=404):
    pass


class Http500(CodeError, code=500):
    pass


try:
    raise CodeError.codes[404]("page missing")
except CodeError as e:
    print(type(e).__name__, e, sorted(CodeError.codes))
print(issubclass(Http500, Exception), AppError.__doc__, BaseException.__subclasses__()[:0])
try:
    raise AppError
except AppError as e:
    print("bare class raise:", repr(e), e.args)
try:
    raise 42
except TypeError as e:
    print("TypeError:", e)
