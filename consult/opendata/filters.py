"""The query parameters a list filters by, parsed strictly: a value the API cannot use is a 400, not ignored."""

from dataclasses import dataclass

from flask import request
from flask_babel import gettext as _

from .paging import BadParameter
from .paging import parse_id


@dataclass(frozen=True)
class Filter:
    """A query parameter of a list: ``kind`` ``id`` (a positive integer) or ``choice`` (one of ``choices``)."""

    name: str
    description: str
    kind: str = 'id'
    choices: tuple[str, ...] = ()

    def parse(self, text: str | None):
        if self.kind == 'id':
            return parse_id(self.name, text)
        if text is None or text == '':
            return None
        if text not in self.choices:
            raise BadParameter(self.name, _('"%(name)s" has a value the API does not know.', name=self.name))
        return text


def parse_filters(filters) -> dict:
    return {f.name: f.parse(request.args.get(f.name)) for f in filters}
