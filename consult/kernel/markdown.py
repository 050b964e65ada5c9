"""Markdown written by people (topic descriptions, meeting materials) rendered to HTML that is safe to show."""

import nh3
from markdown_it import MarkdownIt

_markdown = MarkdownIt('commonmark', {'html': False})
_TAGS = {'p', 'br', 'strong', 'em', 'ul', 'ol', 'li', 'blockquote', 'code', 'pre', 'h3', 'h4', 'a', 'hr'}


def render_markdown(source: str) -> str:
    """Markdown to safe HTML: no raw HTML in, then an nh3 allowlist (links get ``rel=noopener``)."""
    html = _markdown.render(source)
    html = html.replace('<h1>', '<h3>').replace('</h1>', '</h3>').replace('<h2>', '<h3>').replace('</h2>', '</h3>')
    return nh3.clean(
        html,
        tags=_TAGS,
        attributes={'a': {'href'}},
        url_schemes={'http', 'https', 'mailto'},
        link_rel='noopener nofollow',
    )
