#!/usr/bin/env bash
# Checks that every citation of the docs resolves, and exits 1 naming FILE:LINE of each one that does not:
#   docs/PAGE.md §N[.N…]         a heading numbered N on that page (ranges §A–§B check both ends); a quoted
#                                label right after it ("Mapping") must appear in that section
#   docs/design.md "Heading"     a heading of that name on the design page
#   §N (bare)                    the last numbered page cited before it in the same file (in a doc page: that page)
#   RFC N §M, YAML 1.2.2 §M      sections of outside specifications: not checked
# Also refuses a page cited without its `docs/` prefix (or the design page by its old upper-case name): those
# files lived outside the repo, so a clone does not have them.
# Scans Sources, Tests, scripts, README.md, .ci and docs/.
set -euo pipefail
cd "$(dirname "$0")/.."
exec python3 - "$@" <<'PY'
import os, re, subprocess, sys

PAGES = ["design", "provider-apis", "prefect-semantics", "build-notes", "peers", "style-anchors", "README"]
UNNUMBERED = {"design", "README"}   # cited by heading name, not by section number

def headings(page):
    """{number: (title, section text)} and the set of lower-cased heading titles of docs/PAGE.md."""
    path = f"docs/{page}.md"
    if not os.path.exists(path):
        return None
    lines = open(path, encoding="utf-8").read().split("\n")
    found, titles, fence = [], set(), False
    for i, line in enumerate(lines):
        if line.startswith("```"):
            fence = not fence
        if fence:
            continue
        m = re.match(r"^#{1,6}\s+(.*?)\s*$", line)
        if not m:
            continue
        title = m.group(1)
        titles.add(title.lower())
        n = re.match(r"^(\d+(?:\.\d+)*)\.?\s+(.*)$", title)
        if n:
            titles.add(n.group(2).lower())
            found.append((n.group(1), i))
    sections = {}
    for k, (number, start) in enumerate(found):
        end = len(lines)
        for later, at in found[k + 1:]:
            if not later.startswith(number + "."):
                end = at
                break
        sections[number] = "\n".join(lines[start:end])
    return sections, titles

cache = {}
def page(name):
    if name not in cache:
        cache[name] = headings(name)
    return cache[name]

files = subprocess.run(["git", "ls-files", "-co", "--exclude-standard", "--", "Sources", "Tests", "scripts", "README.md",
                        ".ci", "docs"], capture_output=True, text=True, check=True).stdout.split()
this = "scripts/check-doc-citations.sh"
names = "|".join(re.escape(p) for p in PAGES if p != "README")
stale = re.compile(r"(?<![\w/.-])(DESIGN|" + names + r")\.md\b")
token = re.compile(
    r"docs/(?P<page>" + "|".join(PAGES) + r")\.md`?(?P<quote>\s*\"(?P<heading>[^\"\n]+)\")?"
    r"|(?P<rfc>(?:RFC\s*\d+|YAML\s+1\.2\.2)\s*)?§(?P<a>\d+(?:\.\d+)*)(?:\s*[–-]\s*§?(?P<b>\d+(?:\.\d+)*))?(?P<label>(?::\s*|\s+)\"(?P<text>[^\"\n]+)\")?")

errors = []
for path in files:
    if path == this or not os.path.isfile(path):
        continue
    try:
        text = open(path, encoding="utf-8").read()
    except (UnicodeDecodeError, OSError):
        continue
    def line_of(offset):
        return text.count("\n", 0, offset) + 1
    if not path.startswith("docs/"):
        for m in stale.finditer(text):
            errors.append(f"{path}:{line_of(m.start())}: '{m.group(0)}' is not in the repo; cite docs/…")
    # The numbered page bare § citations refer to: in a doc page always the page itself, elsewhere the
    # last numbered page cited before them.
    own = os.path.basename(path)[:-3] if path.startswith("docs/") and path.endswith(".md") else None
    fixed = own if own is not None and own not in UNNUMBERED else None
    current = fixed
    for m in token.finditer(text):
        where = f"{path}:{line_of(m.start())}"
        if m.group("page"):
            name = m.group("page")
            info = page(name)
            if info is None:
                errors.append(f"{where}: docs/{name}.md does not exist")
                continue
            if name in UNNUMBERED:
                if m.group("heading") and m.group("heading").lower() not in info[1]:
                    errors.append(f"{where}: docs/{name}.md has no heading \"{m.group('heading')}\"")
                elif not m.group("heading") and re.match(r'`?[ \t]*"', text[m.end():]):
                    errors.append(f"{where}: the heading after docs/{name}.md is split across lines; keep it on one line")
            elif fixed is None:
                current = name
            continue
        if m.group("rfc"):
            continue
        if current is None:
            errors.append(f"{where}: §{m.group('a')} names no page; write docs/PAGE.md §{m.group('a')}")
            continue
        sections = page(current)[0]
        for number in filter(None, [m.group("a"), m.group("b")]):
            if number not in sections:
                errors.append(f"{where}: docs/{current}.md has no section §{number}")
        label = m.group("text")
        if label and m.group("a") in sections and label.lower() not in sections[m.group("a")].lower():
            errors.append(f"{where}: docs/{current}.md §{m.group('a')} does not mention \"{label}\"")

def order(error):
    file, line, _ = error.split(":", 2)
    return (file, int(line))
for error in sorted(errors, key=order):
    print(error)
if errors:
    print(f"{len(errors)} dangling doc citation(s)", file=sys.stderr)
    sys.exit(1)
print("doc citations: all resolve")
PY
