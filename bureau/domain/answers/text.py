"""An answer's text: written as plain text with light Markdown (paragraphs, lists, links,
bold), shown as HTML that can hold nothing else — no script, no style, no image, no
`javascript:` link — wherever it appears: the desk, the case page, the handbook, the
booklet, e-mail and the API. Rendered with markdown-it (raw HTML off), then cleaned
with nh3 (the Rust `ammonia` sanitiser) as the second line of defence."""

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

TAGS = {"p", "ul", "ol", "li", "a", "strong", "em", "br"}
ATTRIBUTES = {"a": {"href"}}
SCHEMES = {"http", "https", "mailto", "tel"}

_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False, "breaks": True})


def render(text: str) -> Markup:
    """The text as safe HTML: paragraphs, lists, links (http, https, mailto, tel) and
    emphasis only; links open without telling the target where they came from."""
    html = _markdown.render(text or "")
    clean = nh3.clean(
        html,
        tags=TAGS,
        attributes=ATTRIBUTES,
        url_schemes=SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )
    return Markup(clean)  # noqa: S704 (cleaned by nh3 just above)


def plain(text: str) -> str:
    """The text as a citizen reads it in a reply or an e-mail: the Markdown marks of
    emphasis dropped, lists and links kept as they were typed."""
    return (text or "").replace("**", "").replace("__", "").strip()
