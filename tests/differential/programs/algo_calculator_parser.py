# Exercises: a tokenizer plus recursive-descent parser/evaluator for arithmetic with custom error classes.
import re


class ParseError(Exception):
    pass


TOKEN_RE = re.compile(r"\s*(?:(\d+\.?\d*)|(\*\*|[-+*/%()]))")


def tokenize(text):
    pos, tokens = 0, []
    text = text.rstrip()
    while pos < len(text):
        if text[pos].isspace():
            pos += 1
            continue
        m = TOKEN_RE.match(text, pos)
        if not m:
            raise ParseError(f"unexpected character {text[pos]!r} at {pos}")
        number, op = m.groups()
        tokens.append(("num", float(number)) if number else ("op", op))
        pos = m.end()
    return tokens


class Parser:
    def __init__(self, tokens):
        self.tokens = tokens
        self.i = 0

    def peek(self):
        return self.tokens[self.i] if self.i < len(self.tokens) else (None, None)

    def take(self, value=None):
        tok = self.peek()
        if tok[0] is None or (value is not None and tok[1] != value):
            raise ParseError(f"expected {value or 'token'}, got {tok[1]!r}")
        self.i += 1
        return tok

    def expr(self):
        value = self.term()
        while self.peek()[1] in ("+", "-"):
            op = self.take()[1]
            value = value + self.term() if op == "+" else value - self.term()
        return value

    def term(self):
        value = self.factor()
        while self.peek()[1] in ("*", "/", "%"):
            op = self.take()[1]
            rhs = self.factor()
            value = value * rhs if op == "*" else value / rhs if op == "/" else value % rhs
        return value

    def factor(self):
        base = self.unary()
        if self.peek()[1] == "**":
            self.take()
            return base ** self.factor()
        return base

    def unary(self):
        if self.peek()[1] == "-":
            self.take()
            return -self.unary()
        if self.peek()[1] == "(":
            self.take("(")
            v = self.expr()
            self.take(")")
            return v
        kind, value = self.take()
        if kind != "num":
            raise ParseError(f"unexpected operator {value!r}")
        return value


def calculate(text):
    parser = Parser(tokenize(text))
    result = parser.expr()
    if parser.i != len(parser.tokens):
        raise ParseError(f"trailing tokens: {parser.tokens[parser.i:]}")
    return result


for src in ["1 + 2 * 3", "(1 + 2) * 3", "2 ** 3 ** 2", "-(4 - 6) * 2.5", "10 / 4", "7 % 4 + 0.5",
            "1 +", "2 * (3", "4 $ 4", "1 / 0", "3 4", "--5"]:
    try:
        print(f"{src!r:18} = {calculate(src)}")
    except ParseError as e:
        print(f"{src!r:18} ParseError: {e}")
    except ZeroDivisionError as e:
        print(f"{src!r:18} ZeroDivisionError: {e}")
