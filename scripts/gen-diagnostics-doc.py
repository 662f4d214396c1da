#!/usr/bin/env python3
"""Regenerates the table of docs/diagnostics.md from core/src/diagnostic/codes.rs.

The prose above the table is kept; a Rust test checks that every registered code has its row.
"""
import pathlib
import re

root = pathlib.Path(__file__).resolve().parent.parent
src = (root / "core/src/diagnostic/codes.rs").read_text()
rows = re.findall(r'(\w+) = "(\w\d+)", (\w+), "((?:[^"\\]|\\.)*)";', src)
doc = root / "docs/diagnostics.md"
head = doc.read_text().split("| code |")[0] if doc.exists() else "# Diagnostic codes\n\n"
table = ["| code | default severity | meaning |", "| --- | --- | --- |"]
for _, code, severity, title in sorted(rows, key=lambda r: (r[1][0], r[1])):
    table.append(f"| `{code}` | {severity.lower()} | {title} |")
doc.write_text(head + "\n".join(table) + "\n")
