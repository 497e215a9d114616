#!/usr/bin/env python3
"""Checks the shape the code promises (CONTRIBUTING.md "Shape"), so that it does not drift:

- no import loops between the modules of xplus-core and xplus-store (a module is a file; a
  folder's mod.rs may name its own children, which name it back);
- no source file over 600 lines in any crate's src/;
- no function over 120 lines in any crate's src/.

Run: python3 tools/structure.py   (exit status 1 and a list when something is out of shape)
"""
import os
import re
import sys

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
MAX_FILE, MAX_FN = 600, 120


def modules(src):
    mods = {}
    for d, _, files in os.walk(src):
        for f in files:
            if f.endswith(".rs"):
                p = os.path.relpath(os.path.join(d, f), src)[:-3].split("/")
                if p[-1] in ("mod", "lib", "main"):
                    p = p[:-1]
                mods["::".join(p)] = os.path.join(d, f)
    return mods


def graph(src):
    mods = modules(src)

    def node(path):
        parts = path.split("::")
        while parts and "::".join(parts) not in mods:
            parts = parts[:-1]
        return "::".join(parts) if parts else None

    g = {}
    for m, f in mods.items():
        text = open(f, encoding="utf-8").read()
        text = re.sub(r"#\[cfg\(test\)\]\s*mod tests\s*\{.*", "", text, flags=re.S)
        edges = g.setdefault(m, set())
        base = m.split("::")[:-1] if m else []
        refs = []
        for prefix, rel in ((r"crate::", []), (r"\bsuper::", base)):
            for mt in re.finditer(prefix + r"((?:[a-z_0-9]+::)*)\{([^}]*)\}", text):
                for item in mt.group(2).split(","):
                    item = item.strip().split(" ")[0]
                    if item and item != "self":
                        refs.append(rel + (mt.group(1) + item).split("::"))
            for mt in re.finditer(prefix + r"([a-z_0-9]+(?:::[a-zA-Z_0-9]+)*)", text):
                refs.append(rel + mt.group(1).split("::"))
        for r in refs:
            n = node("::".join(r))
            if n and n != m and not m.startswith(n + "::") and not n.startswith(m + "::"):
                edges.add(n)
    return g


def loops(g):
    index, low, stack, on, out, counter = {}, {}, [], set(), [], [0]
    sys.setrecursionlimit(10000)

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in g.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in list(g):
        if v not in index:
            visit(v)
    return out


def long_functions(path):
    """Functions (fn items, not closures) longer than MAX_FN lines, by brace matching on text
    with strings, chars and comments blanked out."""
    lines = open(path, encoding="utf-8").read().split("\n")
    text = "\n".join(lines)
    blank = lambda m: re.sub(r"[^\n]", " ", m.group(0))
    text = re.sub(r'r#*"[\s\S]*?"#*|"(?:\\[\s\S]|[^"\\])*"' + r"|'(?:\\.|[^'\\\n])'", blank, text)
    text = re.sub(r"//[^\n]*", "", text)
    found = []
    for mt in re.finditer(r"\bfn\s+([a-zA-Z_0-9]+)", text):
        i = text.find("{", mt.end())
        semi = text.find(";", mt.end())
        if i < 0 or (0 <= semi < i):
            continue
        depth, j = 0, i
        while j < len(text):
            if text[j] == "{":
                depth += 1
            elif text[j] == "}":
                depth -= 1
                if depth == 0:
                    break
            j += 1
        start = text.count("\n", 0, mt.start()) + 1
        end = text.count("\n", 0, j) + 1
        if end - start + 1 > MAX_FN:
            found.append((mt.group(1), start, end - start + 1))
    return found


def main():
    problems = []
    for crate in ("xplus-core", "xplus-store"):
        for comp in loops(graph(os.path.join(ROOT, "crates", crate, "src"))):
            problems.append(f"{crate}: import loop among {', '.join(comp)}")
    for d, _, files in os.walk(os.path.join(ROOT, "crates")):
        if "/target" in d or "/src" not in d:
            continue
        for f in files:
            if not f.endswith(".rs"):
                continue
            p = os.path.join(d, f)
            rel = os.path.relpath(p, ROOT)
            n = sum(1 for _ in open(p, encoding="utf-8"))
            if n > MAX_FILE:
                problems.append(f"{rel}: {n} lines (at most {MAX_FILE})")
            for name, line, length in long_functions(p):
                problems.append(f"{rel}:{line}: fn {name} is {length} lines (at most {MAX_FN})")
    for p in problems:
        print(p)
    print(f"structure: {len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
