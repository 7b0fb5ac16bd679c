# Exercises: a singly linked list class with __iter__, __len__, __repr__, insert/remove/reverse methods.
class Node:
    __slots__ = ("value", "next")

    def __init__(self, value, next=None):
        self.value = value
        self.next = next


class LinkedList:
    def __init__(self, iterable=()):
        self.head = None
        self.size = 0
        for v in reversed(list(iterable)):
            self.push_front(v)

    def push_front(self, value):
        self.head = Node(value, self.head)
        self.size += 1

    def append(self, value):
        node = Node(value)
        if self.head is None:
            self.head = node
        else:
            cur = self.head
            while cur.next:
                cur = cur.next
            cur.next = node
        self.size += 1

    def remove(self, value):
        prev, cur = None, self.head
        while cur:
            if cur.value == value:
                if prev:
                    prev.next = cur.next
                else:
                    self.head = cur.next
                self.size -= 1
                return True
            prev, cur = cur, cur.next
        raise ValueError(f"{value!r} not in list")

    def reverse(self):
        prev, cur = None, self.head
        while cur:
            cur.next, prev, cur = prev, cur, cur.next
        self.head = prev

    def __iter__(self):
        cur = self.head
        while cur:
            yield cur.value
            cur = cur.next

    def __len__(self):
        return self.size

    def __repr__(self):
        return "LinkedList([" + " -> ".join(map(repr, self)) + "])"


ll = LinkedList([1, 2, 3])
ll.append(4)
ll.push_front(0)
print(ll, len(ll), list(ll), 3 in ll, 9 in ll)
ll.remove(2)
ll.remove(0)
print(ll, len(ll))
ll.reverse()
print(ll, sum(ll), max(ll))
try:
    ll.remove(42)
except ValueError as e:
    print("ValueError:", e)
empty = LinkedList()
print(empty, len(empty), bool(empty), list(empty))
words = LinkedList("abc")
words.reverse()
print(words, "".join(words))
