"""Text every way in must keep XML-safe: characters XML 1.0 forbids (most C0 controls such as
U+0001 and U+000B, lone surrogates, U+FFFE, U+FFFF) make a feed or an export unreadable."""

import re

XML_FORBIDDEN_RE = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(value):
    """`value` as text with the characters XML 1.0 forbids dropped."""
    return XML_FORBIDDEN_RE.sub("", str(value))
