#!/usr/bin/python3
"""Dump RFC 5322/MIME messages as JSON, using only Python's standard ``email`` package.

Usage::

    /usr/bin/python3 scripts/mime_dump.py FILE.eml [FILE2.eml ...]

Each file is parsed as bytes with ``email.parser.BytesParser(policy=email.policy.default)``.
The output on stdout is one JSON array (always an array, even for one file) holding one object
per file, in argument order. Keys are sorted, non-ASCII is written as ``\\uXXXX`` escapes, and
the format is kept stable because the end-to-end and SMTP tests depend on it:

``file``
    The path as given on the command line.
``headers``
    Object: header name as written in the message (first spelling seen) -> list of *all* its
    values in order, each decoded by the parser (RFC 2047 encoded-words decoded, folds
    removed), i.e. ``str(header)``.
``addresses``
    Object for the address headers present among From, To, Cc, Bcc, Reply-To, Sender: name ->
    list of ``{"display_name": str, "addr_spec": str}`` over all their values.
``defects``
    List of strings ``"<DefectClass> in <where>: <detail>"`` for every defect the parser
    recorded on the message, on any part, and on any parsed header of the message or its parts.
    ``<where>`` is ``message``, ``part N`` (1-based, walk order, the message itself is part 0
    and is called ``message``) or ``header Name of message|part N``. Empty means a clean parse.
``content_type``
    The top-level content type, e.g. ``multipart/alternative``.
``parts``
    Content types of the non-multipart (leaf) parts in walk order, e.g.
    ``["text/plain", "text/html"]``.
``text`` / ``html``
    Decoded content (``get_content()``, transfer encoding and charset undone) of the first
    ``text/plain`` / ``text/html`` leaf part, or ``null``. Line endings are left as the parser
    returns them (CRLF in the source may come back as ``\\r\\n``); compare modulo CRLF.
``max_line_length``
    Longest line in octets, not counting its line terminator.
``all_crlf``
    True when every line terminator is CRLF: no bare LF, no bare CR, and the data (if not empty)
    ends with CRLF.
``line_count``
    Number of lines (terminated or not).
``size``
    Size of the file in octets.

Exit status: 0 on success; 1 (with a message on stderr and nothing on stdout) when a file cannot
be read or parsed; 2 on wrong usage.
"""

import email.policy
import json
import sys
from email.parser import BytesParser

ADDRESS_HEADERS = ("From", "To", "Cc", "Bcc", "Reply-To", "Sender")


def _describe(defect, where):
    return "%s in %s: %s" % (type(defect).__name__, where, defect)


def _line_stats(data):
    max_len = 0
    all_crlf = True
    count = 0
    start = 0
    n = len(data)
    while start < n:
        nl = data.find(b"\n", start)
        if nl < 0:
            line = data[start:]
            all_crlf = False  # last line not terminated
            start = n
        else:
            line = data[start:nl]
            if line.endswith(b"\r"):
                line = line[:-1]
            else:
                all_crlf = False
            start = nl + 1
        if b"\r" in line:
            all_crlf = False  # bare CR
        count += 1
        max_len = max(max_len, len(line))
    return max_len, all_crlf, count


def dump(path):
    with open(path, "rb") as handle:
        data = handle.read()
    msg = BytesParser(policy=email.policy.default).parsebytes(data)

    headers = {}
    for name, value in msg.items():
        key = next((k for k in headers if k.lower() == name.lower()), name)
        headers.setdefault(key, []).append(str(value))

    addresses = {}
    for name in ADDRESS_HEADERS:
        values = msg.get_all(name) or []
        found = []
        for value in values:
            for address in getattr(value, "addresses", ()):
                found.append({"display_name": address.display_name, "addr_spec": address.addr_spec})
        if values:
            addresses[name] = found

    defects = []
    parts = []
    text = None
    html = None
    for index, part in enumerate(msg.walk()):
        where = "message" if index == 0 else "part %d" % index
        defects.extend(_describe(d, where) for d in part.defects)
        for name, value in part.items():
            for d in getattr(value, "defects", ()):
                defects.append(_describe(d, "header %s of %s" % (name, where)))
        if part.is_multipart():
            continue
        ctype = part.get_content_type()
        parts.append(ctype)
        if ctype == "text/plain" and text is None:
            text = part.get_content()
        elif ctype == "text/html" and html is None:
            html = part.get_content()

    max_len, all_crlf, count = _line_stats(data)
    return {
        "file": path,
        "headers": headers,
        "addresses": addresses,
        "defects": defects,
        "content_type": msg.get_content_type(),
        "parts": parts,
        "text": text,
        "html": html,
        "max_line_length": max_len,
        "all_crlf": all_crlf,
        "line_count": count,
        "size": len(data),
    }


def main(argv):
    if len(argv) < 2:
        sys.stderr.write("usage: mime_dump.py FILE.eml [FILE2.eml ...]\n")
        return 2
    results = []
    for path in argv[1:]:
        try:
            results.append(dump(path))
        except (OSError, ValueError, LookupError, UnicodeError) as error:
            sys.stderr.write("mime_dump.py: cannot read %s: %s\n" % (path, error))
            return 1
    json.dump(results, sys.stdout, sort_keys=True, ensure_ascii=True, indent=1)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
