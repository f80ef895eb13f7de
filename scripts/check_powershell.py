"""Parses PowerShell texts with the tree-sitter PowerShell grammar and lints them for Windows PowerShell 5.1.

Usage: check_powershell.py FILE...
  FILE.ps1   a PowerShell text, checked whole;
  FILE.json  a control file: its remediation.scriptTemplate is checked (see JSON_FIELDS).

Each problem is printed as FILE[:FIELD]:LINE:COLUMN: MESSAGE; the exit status is 1 when there is any, else 0.
A syntax problem is any ERROR or MISSING node of the parse tree. The lint flags constructs that Windows
PowerShell 5.1 does not have (LINT_RULES), outside comments and string literals.
"""

import json
import re
import sys

import tree_sitter
import tree_sitter_powershell

# The members of a JSON file that hold PowerShell, as dotted paths. Add a path here to check another member.
JSON_FIELDS = ["remediation.scriptTemplate"]

# (pattern on code with comments and strings blanked, what 5.1 lacks). Patterns are case-insensitive.
LINT_RULES = [
    (r"\?\?", "the null-coalescing operators ?? and ??= (PowerShell 7)"),
    (r"\?\.|\?\[", "the null-conditional operators ?. and ?[] (PowerShell 7)"),
    (r"[\w)\]'\"$]\s+\?\s+[^\s{].*\s:\s", "the ternary operator a ? b : c (PowerShell 7)"),
    (r"&&|\|\|", "the pipeline chain operators && and || (PowerShell 7)"),
    (r"-AsHashtable\b", "ConvertFrom-Json -AsHashtable (PowerShell 6)"),
    (r"\b(ForEach-Object|foreach|%)\b[^\n|]*\s-Parallel\b", "ForEach-Object -Parallel (PowerShell 7)"),
    (r"\bJoin-String\b", "Join-String (PowerShell 6.2)"),
    (r"\bGet-Error\b", "Get-Error (PowerShell 7)"),
    (r"\[\s*(System\.)?Text\.Json\b", "System.Text.Json (not in .NET Framework)"),
]

# Node types whose text is data, not code: comments and the characters of string literals.
BLANKED = {"comment", "verbatim_string_characters", "verbatim_here_string_characters"}
EXPANDABLE = {"expandable_string_literal", "expandable_here_string_literal"}

PARSER = tree_sitter.Parser(tree_sitter.Language(tree_sitter_powershell.language()))


def blank(code: bytearray, node) -> None:
    """Replaces comments and string text by spaces, keeping line breaks and $( ) sub-expressions."""
    if node.type in BLANKED:
        for index in range(node.start_byte, node.end_byte):
            if code[index] not in b"\r\n":
                code[index] = ord(" ")
        return
    if node.type in EXPANDABLE:
        kept = [(child.start_byte, child.end_byte) for child in node.children if child.type == "sub_expression"]
        for index in range(node.start_byte, node.end_byte):
            if code[index] not in b"\r\n" and not any(start <= index < end for start, end in kept):
                code[index] = ord(" ")
        for child in node.children:
            if child.type == "sub_expression":
                blank(code, child)
        return
    for child in node.children:
        blank(code, child)


def syntax_problems(tree):
    """(line, column, message) for every ERROR and MISSING node, 1-based."""
    problems = []
    stack = [tree.root_node]
    while stack:
        node = stack.pop()
        if node.is_missing:
            problems.append((node.start_point, f"syntax: missing {node.type}"))
        elif node.is_error:
            problems.append((node.start_point, "syntax: this does not parse"))
        if node.has_error:
            stack.extend(reversed(node.children))
    return sorted(((row + 1, column + 1, message) for (row, column), message in problems))


def lint_problems(text: bytes, tree):
    """(line, column, message) for every construct Windows PowerShell 5.1 does not have."""
    code = bytearray(text)
    blank(code, tree.root_node)
    problems = []
    for number, line in enumerate(code.decode("utf-8", "replace").split("\n"), start=1):
        for pattern, what in LINT_RULES:
            match = re.search(pattern, line, re.IGNORECASE)
            if match:
                problems.append((number, match.start() + 1, f"not in Windows PowerShell 5.1: {what}"))
    return problems


def check_text(label: str, text: str) -> list:
    """Every problem of one PowerShell text, as printable lines."""
    data = text.encode("utf-8")
    tree = PARSER.parse(data)
    problems = syntax_problems(tree) + lint_problems(data, tree)
    return [f"{label}:{line}:{column}: {message}" for line, column, message in sorted(problems)]


def texts_of(path: str):
    """(label, text) for each PowerShell text a file holds."""
    if not path.endswith(".json"):
        with open(path, encoding="utf-8") as file:
            yield path, file.read()
        return
    with open(path, encoding="utf-8") as file:
        document = json.load(file)
    for field in JSON_FIELDS:
        value = document
        for name in field.split("."):
            value = value.get(name) if isinstance(value, dict) else None
        if isinstance(value, str):
            yield f"{path}:{field}", value


def main(paths) -> int:
    if not paths:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    problems = []
    checked = 0
    for path in paths:
        for label, text in texts_of(path):
            checked += 1
            problems += check_text(label, text)
    for problem in problems:
        print(problem)
    print(f"check-powershell: {checked} PowerShell texts, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
