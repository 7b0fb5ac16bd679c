# Exercises: a binary search tree with recursive insert/search, traversals as generators and height/balance.
class BST:
    class _Node:
        def __init__(self, key):
            self.key = key
            self.left = None
            self.right = None

    def __init__(self):
        self.root = None
        self.count = 0

    def insert(self, key):
        def _insert(node, key):
            if node is None:
                self.count += 1
                return BST._Node(key)
            if key < node.key:
                node.left = _insert(node.left, key)
            elif key > node.key:
                node.right = _insert(node.right, key)
            return node
        self.root = _insert(self.root, key)

    def __contains__(self, key):
        node = self.root
        while node:
            if key == node.key:
                return True
            node = node.left if key < node.key else node.right
        return False

    def inorder(self, node="start"):
        node = self.root if node == "start" else node
        if node:
            yield from self.inorder(node.left)
            yield node.key
            yield from self.inorder(node.right)

    def preorder(self):
        stack = [self.root] if self.root else []
        while stack:
            node = stack.pop()
            yield node.key
            stack.extend(n for n in (node.right, node.left) if n)

    def height(self, node="start"):
        node = self.root if node == "start" else node
        if node is None:
            return 0
        return 1 + max(self.height(node.left), self.height(node.right))

    def show(self, node="start", depth=0):
        node = self.root if node == "start" else node
        if node is None:
            return
        self.show(node.right, depth + 1)
        print("    " * depth + str(node.key))
        self.show(node.left, depth + 1)


tree = BST()
for k in [50, 30, 70, 20, 40, 60, 80, 35, 45, 65, 30]:
    tree.insert(k)
print("count", tree.count, "height", tree.height())
print("inorder", list(tree.inorder()))
print("preorder", list(tree.preorder()))
print([k in tree for k in (35, 36, 80, 10)])
tree.show()
skewed = BST()
for k in range(10):
    skewed.insert(k)
print("skewed height", skewed.height(), list(skewed.inorder()) == list(range(10)))
